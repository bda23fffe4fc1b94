import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * CORS, configured per route (API.md §11, SEC-55). Why not `@fastify/cors`: it answers
 * preflights through one catch-all `OPTIONS *` route, and in the stack all three services
 * share one Fastify instance — pages and the authorization endpoint would then answer
 * preflights too (SEC-08). Here only the routes named below get an OPTIONS route, and each
 * decides per request, asynchronously, which origin may read it. Never `credentials`: tokens
 * travel in headers and bodies, not cookies.
 */

/** Browsers may reuse a preflight answer this long (seconds); Chromium caps it at 7200. */
export const PREFLIGHT_MAX_AGE = 600;

export interface CorsRoute {
  /** Methods a preflight may ask for, e.g. `POST`. */
  methods: string;
  /** Request headers browser code may send, e.g. `authorization`. */
  headers: string;
  /** May browser code on `origin` send this request at all (the preflight)? */
  preflight(origin: string, request: FastifyRequest): boolean | Promise<boolean>;
}

/** Lets `origin` read the response; `*` needs no Vary, a named origin does. */
export function allowOrigin(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin);
  if (origin !== '*') reply.header('vary', 'Origin');
}

/** The `Origin` header, when browser code sent the request (a single, non-empty value). */
export function originOf(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin !== '' ? origin : null;
}

/**
 * Answers `OPTIONS <path>` preflights: 204 always (a preflight is no error), with the
 * allow headers only when `route.preflight` says yes, so a refused origin simply sees no
 * `Access-Control-Allow-Origin` and the browser stops.
 */
export function answerPreflights(app: FastifyInstance, paths: readonly string[], route: CorsRoute): void {
  for (const path of paths) {
    app.options(path, async (request, reply) => {
      const origin = originOf(request);
      reply.header('vary', 'Origin');
      if (origin !== null && (await route.preflight(origin, request))) {
        allowOrigin(reply, origin);
        reply.header('access-control-allow-methods', route.methods);
        reply.header('access-control-allow-headers', route.headers);
        reply.header('access-control-max-age', String(PREFLIGHT_MAX_AGE));
      }
      return reply.code(204).send();
    });
  }
}
