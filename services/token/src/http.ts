import type { RequestMeta, TokenParams } from '@gatehouse/core/token';
import { readParams, refuseSecretsInQuery } from '@gatehouse/core/token';
import { grantTypeLabel, toOAuthError } from '@gatehouse/service-kit';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** RFC 6749 §5.1 / SEC-13: no response of this service may be cached, errors included. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

export function setNoStore(_request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  reply.headers(NO_STORE);
  done();
}

/** The caller tried HTTP Basic (well-formed or not): a 401 must then name the scheme (RFC 6749 §5.2). */
const BASIC_SCHEME = /^\s*basic(\s|$)/i;

/**
 * The service's one error handler: every error becomes an OAuth error body via
 * `toOAuthError` (store outages → 503 `temporarily_unavailable`, Fastify's 4xx →
 * `invalid_request`, anything else → a generic 500 that is logged, never shown).
 * The no-store headers set by `setNoStore` survive into error responses.
 */
export function sendOAuthError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const oauth = toOAuthError(error, request.log);
  if (request.routeOptions.url === '/api/oauth2/token') {
    const grantType = (request.body as { grant_type?: unknown } | undefined)?.grant_type;
    request.server.metrics?.tokenGrants.inc({
      grant_type: grantTypeLabel(grantType),
      outcome: oauth.body.error,
    });
  }
  if (oauth.status === 401 && BASIC_SCHEME.test(request.headers.authorization ?? '')) {
    reply.header('www-authenticate', 'Basic realm="gatehouse"');
  }
  reply.code(oauth.status).send(oauth.body);
}

/** Secrets in the URL are refused before the body is looked at; the query is only parsed when there is one. */
export function readRequestParams(request: FastifyRequest): TokenParams {
  if (request.url.includes('?')) refuseSecretsInQuery(request.query);
  return readParams(request.body);
}

/** The clock is read once per request; the address only when an audited path asks for it. */
export class HttpRequestMeta implements RequestMeta {
  readonly now = Date.now();
  constructor(private readonly request: FastifyRequest) {}
  get ip(): string | null {
    return this.request.ip ?? null;
  }
  get origin(): string | null {
    return this.request.headers.origin ?? null;
  }
}

const errorBody = {
  type: 'object',
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
  required: ['error'],
} as const;

const errorResponses = { '4xx': errorBody, '5xx': errorBody } as const;

/** Response schemas: bodies are serialised by fast-json-stringify, and nothing outside them can leak. */
export const tokenRouteSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        access_token: { type: 'string' },
        token_type: { type: 'string' },
        expires_in: { type: 'integer' },
        refresh_token: { type: 'string' },
        refresh_token_expires_in: { type: 'integer' },
        scope: { type: 'string' },
        id_token: { type: 'string' },
      },
      required: [
        'access_token',
        'token_type',
        'expires_in',
        'refresh_token',
        'refresh_token_expires_in',
        'scope',
      ],
    },
    ...errorResponses,
  },
} as const;

export const revokeRouteSchema = {
  response: { 200: { type: 'object', properties: {}, additionalProperties: false }, ...errorResponses },
} as const;

export const introspectRouteSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        active: { type: 'boolean' },
        scope: { type: 'string' },
        client_id: { type: 'string' },
        username: { type: 'string' },
        sub: { type: 'string' },
        exp: { type: 'integer' },
        iat: { type: 'integer' },
        token_type: { type: 'string' },
        auth_time: { type: 'integer' },
      },
      required: ['active'],
    },
    ...errorResponses,
  },
} as const;

export const deviceAuthorizationRouteSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        device_code: { type: 'string' },
        user_code: { type: 'string' },
        verification_uri: { type: 'string' },
        verification_uri_complete: { type: 'string' },
        expires_in: { type: 'integer' },
        interval: { type: 'integer' },
      },
      required: ['device_code', 'user_code', 'verification_uri', 'expires_in', 'interval'],
    },
    ...errorResponses,
  },
} as const;
