import type { Stores } from '@gatehouse/core';
import { allowOrigin, answerPreflights, originOf } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';

/** The endpoints public clients call from browser code; introspection stays server-only. */
export const BROWSER_PATHS = ['/api/oauth2/token', '/api/oauth2/revoke', '/api/oauth2/device_authorization'];

/**
 * CORS for the token endpoints (API.md §11, SEC-55): readable by the registered web origins
 * of public clients only. Which client may call from which origin is decided after client
 * authentication and before anything is spent (`checkBrowserCaller`, SEC-54); this only lets
 * the browser read the answer. Confidential clients have no web origins, so a guide-style page
 * with a secret gets no `Access-Control-Allow-Origin` and is refused server-side as well.
 */
export function browserCallers(app: FastifyInstance, stores: Stores, paths: readonly string[]): void {
  answerPreflights(app, paths, {
    methods: 'POST',
    headers: 'content-type',
    preflight: (origin) => stores.db.clients.hasPublicWebOrigin(origin).catch(() => false),
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const origin = originOf(request);
    if (origin === null || request.method !== 'POST' || !paths.includes(request.routeOptions.url ?? '')) {
      return payload;
    }
    reply.header('vary', 'Origin');
    if (await stores.db.clients.hasPublicWebOrigin(origin).catch(() => false)) allowOrigin(reply, origin);
    return payload;
  });
}
