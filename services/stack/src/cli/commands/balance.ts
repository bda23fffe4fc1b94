import {
  IDEMPOTENCY_KEY_HELP,
  idempotencyKeyFrom,
  MONEY_OPTIONS,
  type Money,
  moneyFrom,
  moneyText,
  requireArg,
} from '../amounts.js';
import type { Command } from '../command.js';
import { printRecord } from '../output.js';

function balanceCommand(kind: 'credit' | 'debit'): Command {
  return {
    name: `balance ${kind}`,
    summary: kind === 'credit' ? "add to a user's balance" : "take from a user's balance (never below zero)",
    args: '<user-id>',
    options: MONEY_OPTIONS,
    help: [
      "--amount <n.nn>            in the server's currency, e.g. 25.00",
      '--quota <units>            in quota units instead',
      '--reason <text>',
      IDEMPOTENCY_KEY_HELP,
    ],
    async run(values, positionals, { admin, json }) {
      const id = requireArg(positionals, 0, '<user-id>');
      const money = moneyFrom(values);
      const key = idempotencyKeyFrom(values);
      const reason = typeof values.reason === 'string' ? values.reason : `cli ${kind}`;
      const result = await admin.call<{ entry_id: number; quota: number; balance: Money }>(
        'POST',
        `/api/admin/users/${encodeURIComponent(id)}/${kind}s`,
        { ...money, reason },
        { 'idempotency-key': key },
      );
      if (json) printRecord({ ...result, idempotency_key: key }, true);
      else
        printRecord(
          { entry_id: result.entry_id, new_balance: moneyText(result.balance), idempotency_key: key },
          false,
        );
    },
  };
}

export const balanceCommands: Command[] = [balanceCommand('credit'), balanceCommand('debit')];
