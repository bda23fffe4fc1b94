import { type Client, isPublicClient, type Stores, sha256Hex } from '@gatehouse/core';
import {
  AccountLimitError,
  type AppRegistrationInput,
  deleteApp,
  describeProblems,
  findOwnedApp,
  registerApp,
  rotateAppSecret,
  updateApp,
  validateAppRegistration,
  validateAppUpdate,
} from '@gatehouse/core/accounts';
import { type OidcClientSettingsInput, readOidcClientSettings } from '@gatehouse/core/oidc';
import { bearerTokenOf } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError, badRequest, notFound, ok } from '../envelope.js';
import { appJson, createdMessage, withSecret } from '../presenters.js';
import { audit, numericId } from '../request-parts.js';
import { appFields, requireJsonTypes } from '../schemas.js';
import { oauthAppWebhookRoutes } from './oauth-app-webhooks.js';

/** OpenID Connect settings a developer may set on their own app (API.md §13). */
const oidcFields = {
  post_logout_redirect_uris: { type: 'array', items: { type: 'string' } },
  id_token_signed_response_alg: { type: 'string' },
} as const;

const createSchema = {
  body: {
    type: 'object',
    required: ['name', 'description'],
    properties: { ...appFields, ...oidcFields },
  },
} as const;

const updateSchema = { body: { type: 'object', properties: { ...appFields, ...oidcFields } } } as const;

/** `device_grant_enabled: "true"` is refused rather than coerced. */
const strictTypes = requireJsonTypes({ device_grant_enabled: 'boolean' });

/** Who the developer token belongs to, set by the `onRequest` check of this plugin. */
const developers = new WeakMap<FastifyRequest, number>();

/**
 * Step 1 of every developer API request: `Authorization: Bearer <developer token>`,
 * looked up by its SHA-256; the token must be active and its user too.
 */
async function checkDeveloperToken(request: FastifyRequest, stores: Stores): Promise<number> {
  let token: string;
  try {
    token = bearerTokenOf({ authorization: request.headers.authorization, query: undefined });
  } catch {
    throw new ApiError(401, 'a developer token is required: send "Authorization: Bearer <developer token>"');
  }
  const record = await stores.db.developerTokens.findActiveByHash(sha256Hex(token));
  const user = record ? await stores.db.users.findById(record.userId) : null;
  if (!record || !user || user.status !== 'active') {
    throw new ApiError(401, 'the developer token is invalid or revoked');
  }
  return user.id;
}

export function developerOf(request: FastifyRequest): number {
  const userId = developers.get(request);
  if (userId === undefined) throw new Error('developer API route ran without authentication');
  return userId;
}

/** Step 2 of the `/:id` routes: the app, only if the caller owns it (otherwise it does not exist for them). */
export async function ownedApp(request: FastifyRequest, stores: Stores): Promise<Client> {
  const raw = (request.params as { id?: string }).id;
  const id = numericId(raw);
  const client = id === null ? null : await findOwnedApp(stores, developerOf(request), id);
  if (!client) throw notFound(`no app with id ${raw}`);
  return client;
}

/** `/api/oauth_apps` (API.md §6): a developer manages their own apps with a developer token. */
export const oauthAppsRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  const development = config.env === 'development';

  app.addHook('onRequest', async (request) => {
    developers.set(request, await checkDeveloperToken(request, stores));
  });
  // Inside this plugin, so the developer-token check above covers it.
  await app.register(oauthAppWebhookRoutes, { stores, config });

  app.post(
    '/api/oauth_apps',
    { schema: createSchema, preValidation: strictTypes },
    async (request, reply) => {
      const userId = developerOf(request);
      const checked = validateAppRegistration(request.body as AppRegistrationInput, {
        development,
        requireDescription: true,
      });
      if (!checked.ok) throw badRequest(describeProblems(checked.problems));
      const oidc = readOidcClientSettings(request.body as OidcClientSettingsInput, { development });
      if (!oidc.ok) throw badRequest(oidc.problem);
      const registered = registerApp(stores, userId, checked.value, { oidc: oidc.value });
      const { client, clientSecret } = await registered.catch((error) => {
        if (error instanceof AccountLimitError) throw new ApiError(409, error.message);
        throw error;
      });
      await audit(stores, request, {
        type: 'client.created',
        actor: `user:${userId}`,
        userId,
        clientId: client.clientId,
        data: {
          name: client.name,
          redirect_uris: client.redirectUris,
          token_endpoint_auth_method: client.tokenEndpointAuthMethod,
        },
      });
      reply.code(201);
      return ok(createdMessage(clientSecret), withSecret(appJson(client), clientSecret));
    },
  );

  app.get('/api/oauth_apps', async (request) => {
    const clients = await stores.db.clients.listByOwner(developerOf(request));
    return ok(`${clients.length} app(s)`, clients.map(appJson));
  });

  app.get('/api/oauth_apps/:id', async (request) => ok('app', appJson(await ownedApp(request, stores))));

  app.put('/api/oauth_apps/:id', { schema: updateSchema, preValidation: strictTypes }, async (request) => {
    const client = await ownedApp(request, stores);
    const oidc = readOidcClientSettings(request.body as OidcClientSettingsInput, { development });
    if (!oidc.ok) throw badRequest(oidc.problem);
    const checked = validateAppUpdate(request.body as AppRegistrationInput, {
      development,
      requireDescription: true,
      tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
      alsoChanging: Object.keys(oidc.value),
    });
    if (!checked.ok) throw badRequest(describeProblems(checked.problems));
    const updated = await updateApp(stores, client, { ...checked.value, ...oidc.value });
    if (!updated) throw notFound(`no app with id ${client.id}`);
    // As in the console: the event names what really changed, and a resent value is no change.
    if (updated.changed.length > 0) {
      await audit(stores, request, {
        type: 'client.updated',
        actor: `user:${developerOf(request)}`,
        userId: developerOf(request),
        clientId: updated.client.clientId,
        data: { changed: updated.changed, redirect_uris: updated.client.redirectUris },
      });
    }
    return ok('app updated', appJson(updated.client));
  });

  app.delete('/api/oauth_apps/:id', async (request) => {
    const client = await ownedApp(request, stores);
    await deleteApp(stores, client);
    await audit(stores, request, {
      type: 'client.deleted',
      actor: `user:${developerOf(request)}`,
      userId: developerOf(request),
      clientId: client.clientId,
      data: { name: client.name },
    });
    return ok('app deleted and all its tokens revoked', { id: client.id, client_id: client.clientId });
  });

  app.post('/api/oauth_apps/:id/secret', async (request) => {
    const client = await ownedApp(request, stores);
    if (isPublicClient(client)) throw badRequest('this app is a public client and has no secret to rotate');
    const rotated = await rotateAppSecret(stores, client);
    if (!rotated) throw notFound(`no app with id ${client.id}`);
    const { client: updated, clientSecret } = rotated;
    await audit(stores, request, {
      type: 'client.secret_rotated',
      actor: `user:${developerOf(request)}`,
      userId: developerOf(request),
      clientId: client.clientId,
    });
    return ok('client secret rotated; the old secret no longer works and the new one is shown only once', {
      id: updated.id,
      client_id: updated.clientId,
      client_secret: clientSecret,
    });
  });
};
