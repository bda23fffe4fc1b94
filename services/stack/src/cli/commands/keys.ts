import { CliError } from '../admin-client.js';
import type { Command } from '../command.js';
import { printRecord, printTable } from '../output.js';

const COLUMNS = ['kid', 'alg', 'status', 'created_at', 'activates_at', 'unpublished_at'];

export const keyCommands: Command[] = [
  {
    name: 'keys list',
    summary: 'list the ID-token signing keys: next (published), current (signing), retiring, retired',
    async run(_values, _positionals, { admin, json }) {
      printTable(await admin.call<Record<string, unknown>[]>('GET', '/api/admin/keys'), COLUMNS, json);
    },
  },
  {
    name: 'keys rotate',
    summary: 'publish a new signing key now; it signs after the publication delay (old keys stay published)',
    options: {
      alg: { type: 'string' },
      'delay-seconds': { type: 'string' },
      immediate: { type: 'boolean' },
    },
    help: [
      '--alg RS256|ES256        which key to replace (default RS256)',
      '--delay-seconds <n>      publication delay, at least 360 (default 600): longer than the JWKS cache time',
      '--immediate              sign with the new key at once (a compromised key; cached JWKS will miss it)',
    ],
    async run(values, _positionals, { admin, json }) {
      const body: Record<string, unknown> = {};
      if (typeof values.alg === 'string') body.alg = values.alg;
      if (typeof values['delay-seconds'] === 'string') {
        if (!/^\d+$/.test(values['delay-seconds'])) throw new CliError('--delay-seconds must be a number', 2);
        body.publication_delay_seconds = Number(values['delay-seconds']);
      }
      if (values.immediate) body.immediate = true;
      printRecord(await admin.call('POST', '/api/admin/keys/rotate', body), json);
    },
  },
];
