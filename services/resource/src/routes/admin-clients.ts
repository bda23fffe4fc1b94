import { type ClientPatch, revokeClientTokens } from '@gatehouse/core';
import {
  type AppRegistrationInput,
  describeProblems,
  registerApp,
  validateAppRegistration,
} from '@gatehouse/core/accounts';
import { type OidcClientSettingsInput, readOidcClientSettings } from '@gatehouse/core/oidc';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { badRequest, notFound, ok } from '../envelope.js';
import { adminClientJson, createdMessage, withSecret } from '../presenters.js';
import { audit } from '../request-parts.js';
import { appFields, requireJsonTypes } from '../schemas.js';

const createSchema = {
  body: {
    type: 'object',
    required: ['name'],
    properties: {
      ...appFields,
      owner_user_id: { type: ['integer', 'null'], minimum: 1 },
      trusted: { type: 'boolean' },
      post_logout_redirect_uris: { type: 'array', items: { type: 'string' } },
      id_token_signed_response_alg: { type: 'string' },
    },
  },
} as const;

const patchSchema = {
  body: {
    type: 'object',
    properties: {
      trusted: { type: 'boolean' },
      disabled: { type: 'boolean' },
      device_grant_enabled: { type: 'boolean' },
      charges_enabled: { type: 'boolean' },
      post_logout_redirect_uris: { type: 'array', items: { type: 'string' } },
      id_token_signed_response_alg: { type: 'string' },
    },
  },
} as const;

const listSchema = {
  querystring: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
      offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
    },
  },
} as const;

/** First-party and managed clients: create (optionally trusted), list, trust or disable. */
export const adminClientRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  app.post(
    '/api/admin/clients',
    {
      schema: createSchema,
      preValidation: requireJsonTypes({
        trusted: 'boolean',
        owner_user_id: 'number',
        device_grant_enabled: 'boolean',
      }),
    },
    async (request, reply) => {
      const body = request.body as AppRegistrationInput &
        OidcClientSettingsInput & {
          owner_user_id?: number | null;
          trusted?: boolean;
        };
      const checked = validateAppRegistration(body, { development: config.env === 'development' });
      if (!checked.ok) throw badRequest(describeProblems(checked.problems));
      const oidc = readOidcClientSettings(body, { development: config.env === 'development' });
      if (!oidc.ok) throw badRequest(oidc.problem);
      const ownerUserId = body.owner_user_id ?? null;
      if (ownerUserId !== null && !(await stores.db.users.findById(ownerUserId))) {
        throw badRequest(`owner_user_id ${ownerUserId} does not name a user`);
      }
      const { client, clientSecret } = await registerApp(stores, ownerUserId, checked.value, {
        trusted: body.trusted ?? false,
        oidc: oidc.value,
      });
      await audit(stores, request, {
        type: 'client.created',
        actor: 'admin',
        userId: ownerUserId,
        clientId: client.clientId,
        data: {
          name: client.name,
          redirect_uris: client.redirectUris,
          trusted: client.trusted,
          token_endpoint_auth_method: client.tokenEndpointAuthMethod,
        },
      });
      reply.code(201);
      return ok(createdMessage(clientSecret), withSecret(adminClientJson(client), clientSecret));
    },
  );

  // Paginated like the users list (API.md §7): a long client list is never one answer.
  app.get('/api/admin/clients', { schema: listSchema }, async (request) => {
    const { limit, offset } = request.query as { limit: number; offset: number };
    const clients = await stores.db.clients.listAll({ limit, offset });
    return ok(`${clients.length} client(s)`, clients.map(adminClientJson));
  });

  app.patch(
    '/api/admin/clients/:client_id',
    {
      schema: patchSchema,
      preValidation: requireJsonTypes({
        trusted: 'boolean',
        disabled: 'boolean',
        device_grant_enabled: 'boolean',
        charges_enabled: 'boolean',
      }),
    },
    async (request) => {
      const publicId = (request.params as { client_id: string }).client_id;
      const body = request.body as {
        trusted?: boolean;
        disabled?: boolean;
        device_grant_enabled?: boolean;
        charges_enabled?: boolean;
      } & OidcClientSettingsInput;
      const oidc = readOidcClientSettings(body, { development: config.env === 'development' });
      if (!oidc.ok) throw badRequest(oidc.problem);
      const patch: ClientPatch = { ...oidc.value };
      if (body.trusted !== undefined) patch.trusted = body.trusted;
      if (body.disabled !== undefined) patch.disabled = body.disabled;
      if (body.device_grant_enabled !== undefined) patch.deviceGrantEnabled = body.device_grant_enabled;
      if (body.charges_enabled !== undefined) patch.chargesEnabled = body.charges_enabled;
      if (Object.keys(patch).length === 0) {
        throw badRequest(
          'send trusted, disabled and/or device_grant_enabled (true or false), post_logout_redirect_uris or id_token_signed_response_alg',
        );
      }
      const client = await stores.db.clients.findByClientId(publicId);
      if (!client) throw notFound(`no client with client_id ${publicId}`);
      // SEC-85: the flag and the scope go together: an app may ask for `charge` only while enabled.
      if (patch.chargesEnabled !== undefined) {
        const others = client.allowedScopes.filter((s) => s !== 'charge');
        patch.allowedScopes = patch.chargesEnabled ? [...others, 'charge'] : others;
      }
      const updated = await stores.db.clients.update(client.id, patch);
      if (!updated) throw notFound(`no client with client_id ${publicId}`);
      // A disabled client's tokens die with it: every check of a token reads the flag,
      // and revocation removes the tokens themselves.
      if (patch.disabled === true) await revokeClientTokens(stores, client.id);
      await audit(stores, request, {
        type: 'client.updated',
        actor: 'admin',
        clientId: client.clientId,
        data: { ...body },
      });
      return ok(
        patch.disabled === true ? 'client disabled and all its tokens revoked' : 'client updated',
        adminClientJson(updated),
      );
    },
  );
};
