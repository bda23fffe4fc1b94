import { randomUUID } from 'node:crypto';
import { quotaFrom, requireArg } from '../amounts.js';
import type { Command } from '../command.js';
import { printRecord } from '../output.js';

function balanceCommand(kind: 'credit' | 'debit'): Command {
  return {
    name: `balance ${kind}`,
    summary: kind === 'credit' ? "add to a user's balance" : "take from a user's balance (never below zero)",
    args: '<user-id>',
    options: {
      amount: { type: 'string' },
      quota: { type: 'string' },
      reason: { type: 'string' },
      'idempotency-key': { type: 'string' },
    },
    help: [
      '--amount <n.nn>            in currency units (uses QUOTA_PER_UNIT, default 500000)',
      '--quota <units>            in quota units instead',
      '--reason <text>',
      '--idempotency-key <key>    reuse it to retry safely; a new one is generated and printed if omitted',
    ],
    async run(values, positionals, { admin, json, quotaPerUnit }) {
      const id = requireArg(positionals, 0, '<user-id>');
      const quota = quotaFrom(values, quotaPerUnit);
      const key = typeof values['idempotency-key'] === 'string' ? values['idempotency-key'] : randomUUID();
      const reason = typeof values.reason === 'string' ? values.reason : `cli ${kind}`;
      const result = await admin.call<Record<string, unknown>>(
        'POST',
        `/api/admin/users/${encodeURIComponent(id)}/${kind}s`,
        { quota, reason },
        { 'idempotency-key': key },
      );
      printRecord({ ...result, idempotency_key: key }, json);
    },
  };
}

export const balanceCommands: Command[] = [balanceCommand('credit'), balanceCommand('debit')];
