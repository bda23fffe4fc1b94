import { OAuthError, ServerError, TemporarilyUnavailableError } from '@gatehouse/core';
import { bearerChallenge, needsBearerChallenge } from '@gatehouse/core/resource';
import { apiFamilyOf, toOAuthError } from '@gatehouse/service-kit';
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { ApiError } from './envelope.js';

export const REALM = 'gatehouse';

/** Seconds a client should wait before retrying after a store outage. */
const RETRY_AFTER_SECONDS = '5';

/** `/api/oauth2/*` answers in RFC 6749/6750 form; the developer and admin APIs in the wrapper. */
function familyOf(request: FastifyRequest): 'oauth' | 'api' {
  return apiFamilyOf(request.routeOptions.url ?? request.url) === 'oauth' ? 'oauth' : 'api';
}

/** `/redirect_uris/0` → `redirect_uris[0]`. */
function fieldName(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

const PLACE: Record<string, string> = {
  body: 'the request body',
  querystring: 'the query string',
  params: 'the URL',
  headers: 'the headers',
};

/**
 * Turns the first JSON-schema failure into a sentence that names the field and what
 * it must be ("quota must be >= 1", "name is required"), for both error formats.
 */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const first = errors[0];
  let message = 'the request is invalid';
  if (first) {
    const field = fieldName(first.instancePath);
    const missing = (first.params as { missingProperty?: string }).missingProperty;
    if (first.keyword === 'required' && missing) {
      message = `${field ? `${field}.` : ''}${missing} is required`;
    } else if (field) {
      message = `${field} ${first.message ?? 'is invalid'}`;
    } else if (first.keyword === 'type') {
      message = `${PLACE[dataVar] ?? dataVar} must be a JSON ${(first.params as { type?: string }).type ?? 'object'}`;
    } else {
      message = `${PLACE[dataVar] ?? dataVar} ${first.message ?? 'is invalid'}`;
    }
  }
  return Object.assign(new Error(message), { statusCode: 400 });
}

function sendOAuthError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const oauthError = toOAuthError(error, request.log);
  reply.code(oauthError.status);
  reply.header('pragma', 'no-cache');
  if (needsBearerChallenge(oauthError)) reply.header('www-authenticate', bearerChallenge(REALM, oauthError));
  if (oauthError instanceof TemporarilyUnavailableError) reply.header('retry-after', RETRY_AFTER_SECONDS);
  return reply.send(oauthError.body);
}

function sendApiError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ApiError) {
    if (error.status === 401) reply.header('www-authenticate', bearerChallenge(REALM));
    return reply.code(error.status).send(error.body);
  }
  const oauthError = toOAuthError(error, request.log);
  let status = oauthError.status;
  if (oauthError instanceof TemporarilyUnavailableError) {
    reply.header('retry-after', RETRY_AFTER_SECONDS);
  } else if (!(oauthError instanceof ServerError) && !(error instanceof OAuthError)) {
    // Fastify's own 4xx (validation, unsupported media type, body too large) keep their status.
    status = (error as FastifyError).statusCode ?? status;
  }
  return reply.code(status).send(new ApiError(status, oauthError.description).body);
}

/**
 * The resource service's one error handler. It fails closed: a store outage is a
 * 503 (`temporarily_unavailable`, or the wrapper with `success: false`), never a
 * guess; anything unexpected is logged and answered with a generic 500 body.
 */
export function resourceErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  return familyOf(request) === 'oauth'
    ? sendOAuthError(error, request, reply)
    : sendApiError(error, request, reply);
}
