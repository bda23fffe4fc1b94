import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { activeTraceIds } from './tracing.js';

/** Where a request's logger keeps the fields its every line carries (read by the pino mixin). */
export const LOG_FIELDS = Symbol.for('gatehouse.logFields');

export interface RequestLogFields {
  /** The route template (`/api/oauth_apps/:id`), never the concrete URL. */
  route: string;
  /** The client the request names or was authenticated as; never a secret. */
  client_id?: string;
  trace_id?: string;
  span_id?: string;
}

type TaggedLogger = FastifyBaseLogger & { [LOG_FIELDS]?: RequestLogFields };

/** pino's `mixin`: a copy, since pino merges each line's own fields into what it returns. */
export function requestLogMixin(_fields: object, _level: number, logger: unknown): object {
  const fields = (logger as TaggedLogger)[LOG_FIELDS];
  return fields ? { ...fields } : {};
}

/** A client id as it may appear in a log line: visible ASCII, bounded (it may be unauthenticated). */
const LOGGABLE_CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

/** Records the client a request concerns, for its remaining log lines. */
export function noteClient(request: FastifyRequest, clientId: string): void {
  const fields = (request.log as TaggedLogger)[LOG_FIELDS];
  if (fields && LOGGABLE_CLIENT_ID.test(clientId)) fields.client_id = clientId;
}

/**
 * Every log line of a request carries its route template, trace and span ids (when traced)
 * and the client it names. Registered after the tracing plugin, so the request span exists
 * when the fields are taken. With `lines`, it also writes Fastify's two request lines
 * (`incoming request`, `request completed`) itself — Fastify writes the first before any
 * hook runs, which would leave it without these fields.
 */
export const requestLogging = fp<{ lines: boolean }>(
  async (app: FastifyInstance, options) => {
    app.addHook('onRequest', (request, _reply, done) => {
      (request.log as TaggedLogger)[LOG_FIELDS] = {
        route: request.routeOptions.url ?? 'unmatched',
        ...activeTraceIds(),
      };
      if (options.lines) request.log.info({ req: request }, 'incoming request');
      done();
    });
    app.addHook('preHandler', (request, _reply, done) => {
      const clientId = presentedClientId(request);
      if (clientId) noteClient(request, clientId);
      done();
    });
    if (options.lines) {
      app.addHook('onResponse', (request, reply, done) => {
        request.log.info({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
        done();
      });
    }
  },
  { name: 'gatehouse-request-logging' },
);

/** RFC 6749 §2.3.1: HTTP Basic's user name, or a `client_id` parameter in the body or query. */
function presentedClientId(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization;
  if (authorization?.slice(0, 6).toLowerCase() === 'basic ') {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      try {
        return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      } catch {
        return null;
      }
    }
  }
  for (const source of [request.body, request.query]) {
    const value = (source as { client_id?: unknown } | undefined | null)?.client_id;
    if (typeof value === 'string') return value;
  }
  return null;
}
