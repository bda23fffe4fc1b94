import {
  InvalidRequestError,
  type OAuthError,
  OAuthError as OAuthErrorBase,
  ServerError,
  StoreUnavailableError,
  TemporarilyUnavailableError,
} from '@gatehouse/core';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Maps anything thrown inside a route to the OAuth error a client may see.
 * Store outages fail closed as 503 `temporarily_unavailable`; Fastify's own
 * 4xx errors (bad content type, unparsable body, too large) become
 * `invalid_request`; everything else is logged and becomes a generic 500.
 */
export function toOAuthError(error: unknown, log: FastifyBaseLogger): OAuthError {
  if (error instanceof OAuthErrorBase) return error;
  if (error instanceof StoreUnavailableError) {
    log.warn({ store: error.store, cause: describeCause(error.cause) }, 'store unavailable');
    return new TemporarilyUnavailableError(`the service is temporarily unavailable, please retry`);
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new InvalidRequestError(clientMessage(error));
  }
  log.error({ err: error }, 'unhandled error');
  return new ServerError('an unexpected error occurred');
}

/** Fastify's 4xx messages are safe and useful ("Unsupported Media Type: …"); keep them short. */
function clientMessage(error: unknown): string {
  const message = (error as Error).message ?? 'bad request';
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
