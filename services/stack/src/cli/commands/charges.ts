import { CliError } from '../admin-client.js';
import {
  IDEMPOTENCY_KEY_HELP,
  idempotencyKeyFrom,
  MONEY_OPTIONS,
  moneyFrom,
  requireArg,
} from '../amounts.js';
import type { Command } from '../command.js';
import { printRecord, printTable } from '../output.js';

export const chargeCommands: Command[] = [
  {
    name: 'charges list',
    summary: "list apps' charges on users' balances, newest first",
    options: { 'user-id': { type: 'string' }, 'client-id': { type: 'string' }, limit: { type: 'string' } },
    help: ['--user-id <id>', '--client-id <client_id>', '--limit <n>'],
    async run(values, _positionals, { admin, json }) {
      const query = new URLSearchParams();
      const names = { 'user-id': 'user_id', 'client-id': 'client_id', limit: 'limit' } as const;
      for (const [option, param] of Object.entries(names)) {
        const value = values[option];
        if (typeof value === 'string') query.set(param, value);
      }
      const list = await admin.call<Record<string, unknown>[]>('GET', `/api/admin/charges?${query}`);
      printTable(
        list,
        ['id', 'status', 'user_id', 'amount', 'captured_amount', 'refunded_amount', 'description'],
        json,
      );
    },
  },
  {
    name: 'charges refund',
    summary: "refund (part of) a charge on the user's behalf; audited",
    args: '<charge-id>',
    options: MONEY_OPTIONS,
    help: [
      '--amount <n.nn>            default: all that is left',
      '--quota <units>            in quota units instead',
      '--reason <text>            required',
      IDEMPOTENCY_KEY_HELP,
    ],
    async run(values, positionals, { admin, json }) {
      const id = requireArg(positionals, 0, '<charge-id>');
      if (typeof values.reason !== 'string') throw new CliError('--reason is required', 2);
      const money = values.amount === undefined && values.quota === undefined ? {} : moneyFrom(values);
      const key = idempotencyKeyFrom(values);
      const result = await admin.call<Record<string, unknown>>(
        'POST',
        `/api/admin/charges/${encodeURIComponent(id)}/refunds`,
        { ...money, reason: values.reason },
        { 'idempotency-key': key },
      );
      printRecord({ refund_id: result.id, amount: result.amount, idempotency_key: key }, json);
    },
  },
  {
    name: 'ledger check',
    summary: 'prove for every user: balance = sum of ledger entries, held = open holds',
    async run(_values, _positionals, { admin, json }) {
      const mismatches = await admin.call<Record<string, unknown>[]>('GET', '/api/admin/ledger/check');
      if (mismatches.length === 0) {
        printRecord({ result: 'ok', mismatches: 0 }, json);
        return;
      }
      printTable(mismatches, ['user_id', 'quota', 'ledger_sum', 'held', 'held_sum', 'open_holds'], json);
      throw new CliError(`${mismatches.length} user(s) whose balance disagrees with the ledger`);
    },
  },
];
