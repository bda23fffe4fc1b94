import type { Command } from '../command.js';
import { printTable } from '../output.js';

/** The API's `created_time` (unix seconds) as people read it: `2026-12-02 03:21:55Z`. */
function timeText(seconds: unknown): string {
  if (typeof seconds !== 'number') return '-';
  return new Date(seconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export const auditCommands: Command[] = [
  {
    name: 'audit',
    summary: 'show audit events, newest first',
    options: {
      'user-id': { type: 'string' },
      'client-id': { type: 'string' },
      type: { type: 'string' },
      limit: { type: 'string' },
    },
    help: [
      '--user-id <id>',
      '--client-id <client_id>',
      '--type <event type, e.g. login.failed>',
      '--limit <n>',
    ],
    async run(values, _positionals, { admin, json }) {
      const query = new URLSearchParams();
      const names = { 'user-id': 'user_id', 'client-id': 'client_id', type: 'type', limit: 'limit' } as const;
      for (const [option, param] of Object.entries(names)) {
        const value = values[option];
        if (typeof value === 'string') query.set(param, value);
      }
      const events = await admin.call<Record<string, unknown>[]>('GET', `/api/admin/audit?${query}`);
      printTable(
        json ? events : events.map((event) => ({ ...event, time: timeText(event.created_time) })),
        ['time', 'type', 'actor', 'user_id', 'client_id', 'data'],
        json,
      );
    },
  },
];
