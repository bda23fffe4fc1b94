import { buildTryIt, checkTryItChoice } from '@gatehouse/core/accounts';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';
import { field } from '../../browser/fields.js';
import { requireSession } from '../../browser/session.js';
import { renderAppPage } from './app-page.js';
import { ownApp } from './own-app.js';

/** The values of a repeated query parameter (`scope=profile&scope=balance`). */
function many(query: unknown, name: string): string[] {
  const value = (query as Record<string, unknown> | null)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * `/console/apps/:id`: an app's page, and its Try it panel (`/try`), which builds an
 * authorization URL with a fresh state and PKCE pair for a registered redirect URI.
 */
export async function showAppRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const context = { stores, issuer: config.issuer };

  app.get('/console/apps/:id', { preHandler: requireSession }, async (request, reply) =>
    renderAppPage(request, reply, context, await ownApp(stores, request)),
  );

  app.get('/console/apps/:id/try', { preHandler: requireSession }, async (request, reply) => {
    const client = await ownApp(stores, request);
    const { choice, problem } = checkTryItChoice(client, {
      redirectUri: field(request.query, 'redirect_uri'),
      scopes: many(request.query, 'scope'),
      autoAuthorize: field(request.query, 'auto_authorize') === 'true',
    });
    return renderAppPage(request, reply, context, client, {
      tryIt: problem ? null : buildTryIt(config.issuer, client, choice),
      tryForm: { ...choice, error: problem },
      status: problem ? 400 : 200,
    });
  });
}
