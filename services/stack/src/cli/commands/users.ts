import { CliError } from '../admin-client.js';
import { type Money, moneyText, requireArg } from '../amounts.js';
import type { Command } from '../command.js';
import { printRecord, printTable } from '../output.js';

/** A user's second factors: one line each for people, the API's shape for `--json`. */
function printTwoFactor(user: Record<string, unknown>, json: boolean): void {
  const twoFactor = user.two_factor as { totp: boolean; recovery_codes_left: number };
  const head = { id: user.id, username: user.username };
  printRecord(json ? { ...head, two_factor: twoFactor } : { ...head, ...twoFactor }, json);
}

export const userCommands: Command[] = [
  {
    name: 'users create',
    summary: 'create a user (asks nothing: pass every field)',
    options: { username: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
    help: ['--username <name>', '--email <address>', '--password <password>   at least 10 characters'],
    async run(values, _positionals, { admin, json }) {
      const { username, email, password } = values;
      if (typeof username !== 'string' || typeof email !== 'string' || typeof password !== 'string') {
        throw new CliError('users create needs --username, --email and --password', 2);
      }
      printRecord(await admin.call('POST', '/api/admin/users', { username, email, password }), json);
    },
  },
  {
    name: 'users list',
    summary: 'list users, optionally filtered',
    options: { q: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' } },
    help: ['--q <text>      substring of username or email', '--limit <n>     default 50', '--offset <n>'],
    async run(values, _positionals, { admin, json }) {
      const query = new URLSearchParams();
      for (const key of ['q', 'limit', 'offset'] as const) {
        if (typeof values[key] === 'string') query.set(key, values[key]);
      }
      const users = await admin.call<Record<string, unknown>[]>('GET', `/api/admin/users?${query}`);
      if (json) printTable(users, [], true);
      else
        printTable(
          users.map((user) => ({ ...user, balance: moneyText(user.balance as Money | undefined) })),
          ['id', 'username', 'email', 'status', 'balance'],
          false,
        );
    },
  },
  {
    name: 'users disable',
    summary: 'disable a user: they cannot sign in and their tokens stop working at once',
    args: '<user-id>',
    async run(_values, positionals, { admin, json }) {
      const id = requireArg(positionals, 0, '<user-id>');
      printRecord(await admin.call('POST', `/api/admin/users/${encodeURIComponent(id)}/disable`), json);
    },
  },
  {
    name: 'users 2fa',
    summary: 'show whether a user has two-factor authentication, and how many recovery codes are left',
    args: '<user-id>',
    async run(_values, positionals, { admin, json }) {
      const id = requireArg(positionals, 0, '<user-id>');
      const user = await admin.call<Record<string, unknown>>(
        'GET',
        `/api/admin/users/${encodeURIComponent(id)}`,
      );
      printTwoFactor(user, json);
    },
  },
  {
    name: 'users reset-2fa',
    summary: "remove a user's authenticator app and recovery codes (audited): password-only sign-in again",
    args: '<user-id>',
    async run(_values, positionals, { admin, json }) {
      const id = requireArg(positionals, 0, '<user-id>');
      const user = await admin.call<Record<string, unknown>>(
        'DELETE',
        `/api/admin/users/${encodeURIComponent(id)}/two-factor`,
      );
      printTwoFactor(user, json);
    },
  },
];
