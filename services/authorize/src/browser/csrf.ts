import { type Config, constantTimeEqual, randomToken } from '@gatehouse/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { cookieName, cookieOptions } from './cookies.js';
import { field } from './fields.js';
import { csrfError } from './page-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Which CSRF token a state-changing route accepts (SEC-16):
     * `session` (default) — the signed-in session's token;
     * `pre-session` — the double-submit cookie, for forms shown before anyone is
     * signed in (login, signup).
     */
    csrf?: 'session' | 'pre-session';
  }
}

/** The form field every state-changing form carries. */
export const CSRF_FIELD = '_csrf';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function preSessionCookieName(config: Pick<Config, 'env'>): string {
  return cookieName(config, 'gh_csrf');
}

/**
 * The token for a form shown before sign-in (double-submit cookie): reuses the browser's
 * cookie when it has one, otherwise sets a new random one. Put it in the form's `_csrf`.
 */
export function preSessionCsrfToken(request: FastifyRequest, reply: FastifyReply, config: Config): string {
  const name = preSessionCookieName(config);
  const existing = request.cookies[name];
  if (existing && TOKEN.test(existing)) return existing;
  const token = randomToken('');
  reply.setCookie(name, token, cookieOptions(config));
  return token;
}

/**
 * Refuses cross-site state changes with 403 (a PageError) on every non-GET request of the
 * context it is registered in, after `browserSessions` has run:
 * 1. an `Origin` header that is not the issuer's origin, or `Sec-Fetch-Site` saying the
 *    request came from another site;
 * 2. a missing or wrong `_csrf` field, compared in constant time with the session's token
 *    (or, on `pre-session` routes, with the double-submit cookie).
 */
export const csrfProtection = fp(
  async (app: FastifyInstance, options: { config: Config }) => {
    const { config } = options;
    const issuerOrigin = new URL(config.issuer).origin;
    const preSessionCookie = preSessionCookieName(config);

    app.addHook('preHandler', async (request) => {
      if (SAFE_METHODS.has(request.method)) return;
      const origin = request.headers.origin;
      // Our pages send `Referrer-Policy: no-referrer`, so browsers post our own forms with
      // `Origin: null`. That is let through to the Sec-Fetch-Site check below (which refuses
      // other sites) and to the token check, which decides either way.
      if (origin !== undefined && origin !== issuerOrigin && origin !== 'null') throw csrfError();
      const site = request.headers['sec-fetch-site'];
      if (site === 'cross-site' || site === 'same-site') throw csrfError();

      const sent = field(request.body, CSRF_FIELD);
      const expected =
        request.routeOptions.config.csrf === 'pre-session'
          ? request.cookies[preSessionCookie]
          : request.session?.csrfToken;
      if (!sent || !expected || !TOKEN.test(expected) || !constantTimeEqual(sent, expected))
        throw csrfError();
    });
  },
  { name: 'gatehouse-csrf', fastify: '5.x', dependencies: ['@fastify/cookie', 'gatehouse-browser-sessions'] },
);
