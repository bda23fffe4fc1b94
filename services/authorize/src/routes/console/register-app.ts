import type { Stores } from '@gatehouse/core';
import {
  AccountLimitError,
  type AppRegistration,
  type AppWithSecret,
  registerApp,
  secretToShow,
} from '@gatehouse/core/accounts';
import type { OidcClientSettings } from '@gatehouse/core/oidc';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';
import { PageError } from '../../browser/page-error.js';
import { requireSession, signedIn } from '../../browser/session.js';
import { auditUserAction } from '../../pages/audit.js';
import { firstSubmission, formIdOf } from '../../pages/once.js';
import { checkNewApp, consoleValidation, formValues, NEW_APP_VALUES } from './app-form.js';
import { renderAppForm } from './app-form-page.js';
import { renderAppPage } from './app-page.js';

/** Core's registration, with its limit (SEC-36) answered as a page. */
async function registerOrRefuse(
  stores: Stores,
  userId: number,
  checked: { app: AppRegistration; oidc: OidcClientSettings },
): Promise<AppWithSecret> {
  try {
    return await registerApp(stores, userId, checked.app, { oidc: checked.oidc });
  } catch (error) {
    if (!(error instanceof AccountLimitError)) throw error;
    throw new PageError(
      409,
      'Too many apps',
      `You already have ${error.limit} apps. Delete one you no longer use first.`,
    );
  }
}

/**
 * `/console/apps/new` and `POST /console/apps`: the register form, and the app's page with
 * its client secret, shown once (SEC-21). A resubmitted form registers nothing a second time.
 */
export async function registerAppRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const validation = consoleValidation(config);

  app.get('/console/apps/new', { preHandler: requireSession }, async (request, reply) =>
    renderAppForm(request, reply, validation.development, { client: null, values: NEW_APP_VALUES }),
  );

  app.post('/console/apps', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const values = formValues(request.body);
    const checked = checkNewApp(request.body, values, validation);
    if (!checked.ok) {
      return renderAppForm(request, reply, validation.development, {
        client: null,
        values,
        problems: checked.problems,
        status: 400,
        formId: formIdOf(request.body),
      });
    }
    if (!(await firstSubmission(stores, user.id, formIdOf(request.body)))) {
      return reply.redirect('/console?notice=already_registered', 303);
    }
    const registered = await registerOrRefuse(stores, user.id, checked);
    const { client } = registered;
    await auditUserAction(stores, request, user.id, {
      type: 'client.created',
      clientId: client.clientId,
      data: {
        name: client.name,
        redirect_uris: client.redirectUris,
        token_endpoint_auth_method: client.tokenEndpointAuthMethod,
        via: 'console',
      },
    });
    return renderAppPage(request, reply, { stores, issuer: config.issuer }, client, {
      secret: secretToShow(registered, 'created'),
      registered: true,
    });
  });
}
