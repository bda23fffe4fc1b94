import { passwordProblem } from '@gatehouse/core/accounts';
import { hashPassword, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { requireSession, sessionAmr, signedIn, startSession } from '../browser/session.js';
import { auditUserAction } from '../pages/audit.js';
import { currentPasswordRefused } from './current-password.js';

function notChanged(reply: FastifyReply, status: number, alert: string) {
  return page(
    reply,
    'message.eta',
    {
      title: 'Password not changed',
      alert,
      text: null,
      link: { href: '/account#password', text: 'Back to your account' },
    },
    status,
  );
}

/**
 * `POST /account/password` (SEC-63): the current password, then a new one under the
 * sign-up rules; every other browser session ends (the epoch rises) and this browser gets
 * a new session id. Apps stay connected: a reset, not a change, revokes their tokens.
 */
export async function accountPasswordRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;

  app.post('/account/password', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const next = field(request.body, 'new_password') ?? '';
    const refused = await currentPasswordRefused(stores, request, reply, user);
    if (refused) return notChanged(reply, refused.status, refused.alert);
    const problem = passwordProblem(next);
    if (problem) return notChanged(reply, 400, `The new password ${problem}.`);
    const updated = await stores.db.users.setPassword(user.id, await hashPassword(next));
    if (!updated) return reply.redirect('/login', 303);
    // The new session keeps how this one was signed in (a second factor stays proven).
    await startSession(request, reply, { config, stores, user: updated, amr: sessionAmr(signedIn(request)) });
    await auditUserAction(stores, request, user.id, { type: 'password.changed', data: {} });
    return reply.redirect('/account?notice=password-changed#password', 303);
  });
}
