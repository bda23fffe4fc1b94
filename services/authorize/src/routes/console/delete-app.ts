import { deleteApp } from '@gatehouse/core/accounts';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';
import { page } from '../../browser/render.js';
import { requireSession, signedIn } from '../../browser/session.js';
import { auditUserAction } from '../../pages/audit.js';
import { appView } from './app-page.js';
import { ownApp } from './own-app.js';

/**
 * `/console/apps/:id/delete`: a confirmation page naming how many users the app has, then
 * the deletion, which revokes every token the app holds first (core's `deleteApp`).
 */
export async function deleteAppRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { stores } = options;

  app.get('/console/apps/:id/delete', { preHandler: requireSession }, async (request, reply) => {
    const { csrfToken } = signedIn(request);
    const client = await ownApp(stores, request);
    const users = await stores.db.clients.countAuthorizedUsers(client.id);
    return page(reply, 'console-app-delete.eta', {
      title: `Delete ${client.name}`,
      nav: 'console',
      csrfToken,
      app: appView(client, users),
    });
  });

  app.post('/console/apps/:id/delete', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const client = await ownApp(stores, request);
    await deleteApp(stores, client);
    await auditUserAction(stores, request, user.id, {
      type: 'client.deleted',
      clientId: client.clientId,
      data: { name: client.name, via: 'console' },
    });
    return reply.redirect('/console?notice=deleted', 303);
  });
}
