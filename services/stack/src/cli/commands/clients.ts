import { CliError } from '../admin-client.js';
import { requireArg } from '../amounts.js';
import type { Command } from '../command.js';
import { printRecord, printTable } from '../output.js';

function patchCommand(name: string, summary: string, patch: Record<string, boolean>): Command {
  return {
    name: `clients ${name}`,
    summary,
    args: '<client-id>',
    async run(_values, positionals, { admin, json }) {
      const id = requireArg(positionals, 0, '<client-id>');
      printRecord(await admin.call('PATCH', `/api/admin/clients/${encodeURIComponent(id)}`, patch), json);
    },
  };
}

const PAGE = 200;

/** Options given with `multiple: true` arrive as arrays (the common value type says string). */
function many(value: unknown): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as string[]) : [String(value)];
}

export const clientCommands: Command[] = [
  {
    name: 'clients create',
    summary:
      'register a client: confidential (has a server, gets a secret) or --public (browser, desktop, device)',
    options: {
      name: { type: 'string' },
      description: { type: 'string' },
      'homepage-url': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      public: { type: 'boolean' },
      'allowed-origin': { type: 'string', multiple: true },
      'device-grant': { type: 'boolean' },
      trusted: { type: 'boolean' },
    },
    help: [
      '--name <name>            shown on the consent page',
      '--redirect-uri <uri>     repeat for several; http://127.0.0.1/... accepts any port for --public clients',
      '--public                 no secret, PKCE required (token_endpoint_auth_method none)',
      '--allowed-origin <o>     a web origin a --public client calls from (repeatable)',
      '--device-grant           allow the device authorization grant (RFC 8628)',
      '--trusted                auto_authorize skips the consent page',
      '--description <text>, --homepage-url <url>   optional',
    ],
    async run(values, _positionals, { admin, json }) {
      if (typeof values.name !== 'string') throw new CliError('clients create needs --name', 2);
      const redirectUris = many(values['redirect-uri']);
      if (redirectUris.length === 0)
        throw new CliError('clients create needs at least one --redirect-uri', 2);
      const created = await admin.call<Record<string, unknown>>('POST', '/api/admin/clients', {
        name: values.name,
        ...(typeof values.description === 'string' ? { description: values.description } : {}),
        ...(typeof values['homepage-url'] === 'string' ? { homepage_url: values['homepage-url'] } : {}),
        redirect_uris: redirectUris,
        token_endpoint_auth_method: values.public ? 'none' : 'client_secret_basic',
        allowed_origins: many(values['allowed-origin']),
        device_grant_enabled: values['device-grant'] === true,
        trusted: values.trusted === true,
      });
      printRecord(created, json);
    },
  },
  {
    name: 'clients list',
    summary: 'list registered clients (never their secrets)',
    async run(_values, _positionals, { admin, json }) {
      // The admin list is paginated: read every page.
      const clients: Record<string, unknown>[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await admin.call<Record<string, unknown>[]>(
          'GET',
          `/api/admin/clients?limit=${PAGE}&offset=${offset}`,
        );
        clients.push(...page);
        if (page.length < PAGE) break;
      }
      printTable(
        clients,
        ['client_id', 'name', 'token_endpoint_auth_method', 'trusted', 'disabled', 'redirect_uris'],
        json,
      );
    },
  },
  patchCommand('trust', 'mark a client trusted: auto_authorize then skips the consent page', {
    trusted: true,
  }),
  patchCommand('untrust', 'remove the trusted mark', { trusted: false }),
  patchCommand(
    'enable-charges',
    'let a client ask for the charge scope (spend within a user-set allowance)',
    {
      charges_enabled: true,
    },
  ),
  patchCommand('disable-charges', 'stop a client from asking for the charge scope', {
    charges_enabled: false,
  }),
  patchCommand('disable', 'disable a client: invalid_client from now on, and its tokens stop working', {
    disabled: true,
  }),
];

/** `clients device-grant <id> on|off` would be one more verb; two flags keep the pattern of trust/untrust. */
clientCommands.push(
  patchCommand('allow-device', 'allow the device authorization grant (RFC 8628) for a client', {
    device_grant_enabled: true,
  }),
  patchCommand('deny-device', 'stop the device authorization grant for a client', {
    device_grant_enabled: false,
  }),
);
