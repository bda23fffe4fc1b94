import { isClientWebOrigin, type Stores, type UserinfoRecord } from '@gatehouse/core';
import { allowOrigin, answerPreflights, originOf } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

type WebClient = NonNullable<UserinfoRecord['client']>;

/** The client owning the presented access token, once the route has read it. */
const tokenClients = new WeakMap<FastifyRequest, WebClient>();

/** Called by the route when it knows whose token this is: its web origins decide who reads the answer. */
export function tokenOwner(request: FastifyRequest, client: WebClient): void {
  tokenClients.set(request, client);
}

/**
 * CORS for a bearer-token route in this plugin context (API.md §11, SEC-55). A preflight
 * carries no token, so it is allowed for any public client's web origin; the answer itself
 * is readable only by the web origins of the client that owns the presented token — so one
 * public client's page cannot read what another client's token returns. An error answered
 * before the token's client is known (a dead token, a missing scope) is readable by any
 * public client's origin, so the page learns to refresh. No credentials mode.
 */
export function bearerCors(app: FastifyInstance, stores: Stores, paths: readonly string[]): void {
  answerPreflights(app, paths, {
    methods: 'GET',
    headers: 'authorization',
    preflight: (origin) => stores.db.clients.hasPublicWebOrigin(origin).catch(() => false),
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const origin = originOf(request);
    if (origin === null || request.method !== 'GET') return payload;
    const owner = tokenClients.get(request);
    const readable =
      owner !== undefined
        ? isClientWebOrigin(owner, origin)
        : reply.statusCode >= 400 && (await stores.db.clients.hasPublicWebOrigin(origin).catch(() => false));
    reply.header('vary', 'Origin');
    if (readable) allowOrigin(reply, origin);
    return payload;
  });
}
