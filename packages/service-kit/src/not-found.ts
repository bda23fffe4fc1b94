import { OAuthError } from '@gatehouse/core';
import type { FastifyInstance } from 'fastify';

/** Long enough for any real path; the rest of an unknown URL is not worth echoing. */
const MAX_PATH_SHOWN = 200;

function pathOf(url: string): string {
  const path = url.split('?')[0] ?? url;
  return path.length > MAX_PATH_SHOWN ? `${path.slice(0, MAX_PATH_SHOWN)}…` : path;
}

/**
 * No route serves this method and path (Fastify answers a wrong method with 404 too, never
 * 405). `not_found` is not an RFC 6749 code: the RFCs have none for an unknown endpoint,
 * and API.md §10 gives this one its OAuth-shaped body. The query is never echoed.
 */
export class EndpointNotFoundError extends OAuthError {
  readonly code = 'not_found';
  override readonly status = 404;
  override readonly redirectable = false;

  constructor(method: string, url: string) {
    super(`there is no ${method} ${pathOf(url)} endpoint`);
  }
}

/** Which error format an API path answers in (API.md §10); null for browser paths. */
export type ApiFamily = 'oauth' | 'api';

export function apiFamilyOf(url: string): ApiFamily | null {
  const path = url.split('?')[0] ?? url;
  if (path.startsWith('/api/oauth2/')) return 'oauth';
  return path === '/api' || path.startsWith('/api/') ? 'api' : null;
}

/**
 * Requests no route matches become an `EndpointNotFoundError`, answered by the error
 * handler of the plugin this is called in — so the service's one error handler decides
 * the format and its hooks (security headers, no-store) apply. Fastify keeps one
 * not-found handler per prefix: in the one-process stack only one service may call this.
 */
export function answerUnknownPaths(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request) => {
    throw new EndpointNotFoundError(request.method, request.url);
  });
}
