import { updateApp } from '@gatehouse/core/accounts';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';
import { requireSession, signedIn } from '../../browser/session.js';
import { auditUserAction } from '../../pages/audit.js';
import { checkAppChange, consoleValidation, formValues, valuesOf } from './app-form.js';
import { renderAppForm } from './app-form-page.js';
import { appNotFound, ownApp } from './own-app.js';

/**
 * `/console/apps/:id/edit` and `POST /console/apps/:id`: the edit form and its answer. The
 * app's type stays the one it was registered with; only settings that really changed are audited.
 */
export async function editAppRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const validation = consoleValidation(config);

  app.get('/console/apps/:id/edit', { preHandler: requireSession }, async (request, reply) => {
    const client = await ownApp(stores, request);
    return renderAppForm(request, reply, validation.development, { client, values: valuesOf(client) });
  });

  app.post('/console/apps/:id', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const client = await ownApp(stores, request);
    const values = { ...formValues(request.body), kind: valuesOf(client).kind };
    const checked = checkAppChange(request.body, values, client, validation);
    if (!checked.ok) {
      return renderAppForm(request, reply, validation.development, {
        client,
        values,
        problems: checked.problems,
        status: 400,
      });
    }
    const updated = await updateApp(stores, client, { ...checked.app, ...checked.oidc });
    if (!updated) throw appNotFound();
    if (updated.changed.length > 0) {
      await auditUserAction(stores, request, user.id, {
        type: 'client.updated',
        clientId: updated.client.clientId,
        data: { changed: updated.changed, redirect_uris: updated.client.redirectUris, via: 'console' },
      });
    }
    return reply.redirect(`/console/apps/${updated.client.id}?notice=updated`, 303);
  });
}
