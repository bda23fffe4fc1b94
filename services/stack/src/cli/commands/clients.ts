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

export const clientCommands: Command[] = [
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
      printTable(clients, ['client_id', 'name', 'trusted', 'disabled', 'redirect_uris'], json);
    },
  },
  patchCommand('trust', 'mark a client trusted: auto_authorize then skips the consent page', {
    trusted: true,
  }),
  patchCommand('untrust', 'remove the trusted mark', { trusted: false }),
  patchCommand('disable', 'disable a client: invalid_client from now on, and its tokens stop working', {
    disabled: true,
  }),
];
