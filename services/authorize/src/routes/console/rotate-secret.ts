import { isPublicClient } from '@gatehouse/core';
import { rotateAppSecret, secretToShow } from '@gatehouse/core/accounts';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';
import { PageError } from '../../browser/page-error.js';
import { page } from '../../browser/render.js';
import { requireSession, signedIn } from '../../browser/session.js';
import { auditUserAction } from '../../pages/audit.js';
import { firstSubmission, formIdOf, formNonce } from '../../pages/once.js';
import { appView, renderAppPage } from './app-page.js';
import { appNotFound, ownApp } from './own-app.js';

const noSecret = () =>
  new PageError(400, 'No secret', 'This app runs in the browser or on a device and has no client secret.');

/**
 * `/console/apps/:id/secret`: a new client secret, shown once on the page that answers the
 * POST; the old one fails at once. A resubmitted form rotates nothing a second time.
 */
export async function rotateSecretRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;

  // Like deletion, rotation is confirmed on a page of its own: the app page only links here
  // (the pages run no script, so there is no confirm() dialog).
  app.get('/console/apps/:id/secret', { preHandler: requireSession }, async (request, reply) => {
    const { csrfToken } = signedIn(request);
    const client = await ownApp(stores, request);
    if (client.secretHash === null) return reply.redirect(`/console/apps/${client.id}`, 302);
    return page(reply, 'console-app-rotate.eta', {
      title: `Rotate the secret of ${client.name}`,
      nav: 'console',
      csrfToken,
      app: appView(client, 0),
      formId: formNonce(),
    });
  });

  app.post('/console/apps/:id/secret', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const client = await ownApp(stores, request);
    if (isPublicClient(client)) throw noSecret();
    if (!(await firstSubmission(stores, user.id, formIdOf(request.body)))) {
      return reply.redirect(`/console/apps/${client.id}?notice=already_rotated`, 303);
    }
    const rotated = await rotateAppSecret(stores, client);
    if (!rotated) throw appNotFound();
    await auditUserAction(stores, request, user.id, {
      type: 'client.secret_rotated',
      clientId: rotated.client.clientId,
      data: { via: 'console' },
    });
    return renderAppPage(request, reply, { stores, issuer: config.issuer }, rotated.client, {
      secret: secretToShow(rotated, 'rotated'),
    });
  });
}
