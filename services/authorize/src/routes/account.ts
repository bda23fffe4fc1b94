import type { FastifyInstance } from 'fastify';
import { page } from '../browser/render.js';
import { requireSession, signedIn } from '../browser/session.js';

/** `/` and a minimal `/account` (the full account page is a later issue). */
export async function accountRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (request, reply) => reply.redirect(request.session ? '/account' : '/login', 302));

  app.get('/account', { preHandler: requireSession }, async (request, reply) => {
    const { user, csrfToken } = signedIn(request);
    return page(reply, 'account.eta', {
      title: 'Your account',
      account: {
        username: user.username,
        email: user.email,
        since: user.createdAt.toISOString().slice(0, 10),
      },
      csrfToken,
    });
  });
}
