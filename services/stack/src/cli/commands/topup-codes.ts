import { CliError } from '../admin-client.js';
import { type Money, moneyFrom, positiveInt } from '../amounts.js';
import type { Command } from '../command.js';
import { ProgressBar } from '../progress.js';

/** Codes are created in requests of this size so a large batch shows progress and no request is huge. */
const CHUNK = 100;

export const topupCodeCommands: Command[] = [
  {
    name: 'topup-codes create',
    summary: 'create a batch of single-use top-up codes (printed once; store them safely)',
    options: {
      amount: { type: 'string' },
      quota: { type: 'string' },
      count: { type: 'string' },
      'expires-at': { type: 'string' },
      csv: { type: 'boolean' },
    },
    help: [
      "--amount <n.nn>         value of each code in the server's currency (or --quota <units>)",
      '--count <n>             how many codes, 1 to 100000',
      '--expires-at <date>     ISO 8601, e.g. 2027-01-31T00:00:00Z (optional)',
      '--csv                   print code,quota,amount,currency,expires_at rows',
    ],
    async run(values, _positionals, { admin, json }) {
      const money = moneyFrom(values);
      const count = positiveInt('--count', values.count, 100_000);
      let expiresAt: string | undefined;
      if (typeof values['expires-at'] === 'string') {
        const date = new Date(values['expires-at']);
        if (Number.isNaN(date.getTime())) throw new CliError('--expires-at must be an ISO 8601 date', 2);
        if (date.getTime() <= Date.now()) throw new CliError('--expires-at must be in the future', 2);
        expiresAt = date.toISOString();
      }
      const codes: string[] = [];
      let value: Money | undefined;
      const progress = new ProgressBar('creating codes', count);
      progress.update(0);
      while (codes.length < count) {
        const size = Math.min(CHUNK, count - codes.length);
        const data = await admin.call<{ codes: string[]; value: Money }>('POST', '/api/admin/topup-codes', {
          ...money,
          count: size,
          ...(expiresAt ? { expires_at: expiresAt } : {}),
        });
        codes.push(...data.codes);
        value = data.value;
        progress.update(codes.length);
      }
      const { quota, amount, currency } = value as Money;
      if (json) {
        console.log(
          JSON.stringify({ quota, amount, currency, expires_at: expiresAt ?? null, codes }, null, 2),
        );
      } else if (values.csv) {
        console.log('code,quota,amount,currency,expires_at');
        for (const code of codes) console.log(`${code},${quota},${amount},${currency},${expiresAt ?? ''}`);
      } else {
        for (const code of codes) console.log(code);
      }
    },
  },
];
