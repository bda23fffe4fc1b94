import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';
import { page } from '../../browser/render.js';
import { requireSession, signedIn } from '../../browser/session.js';
import { noticeText } from '../../pages/forms.js';
import { appView, CONSOLE_NOTICES } from './app-page.js';

/** `GET /console`: the apps the signed-in developer registered, each with its count of users. */
export async function listAppsRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { stores } = options;

  app.get('/console', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const clients = await stores.db.clients.listByOwner(user.id);
    const apps = await Promise.all(
      clients.map(async (client) => appView(client, await stores.db.clients.countAuthorizedUsers(client.id))),
    );
    return page(reply, 'console.eta', {
      title: 'Developer console',
      nav: 'console',
      wide: true,
      notice: noticeText(request.query, CONSOLE_NOTICES),
      apps,
    });
  });

  app.get('/console/apps', { preHandler: requireSession }, async (_request, reply) =>
    reply.redirect('/console', 302),
  );
}
