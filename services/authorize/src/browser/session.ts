import {
  type Config,
  randomToken,
  type SessionData,
  type Stores,
  sha256Hex,
  TOKEN_PREFIX,
  type User,
} from '@gatehouse/core';
import { sessionIsCurrent } from '@gatehouse/core/accounts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { cookieName, cookieOptions } from './cookies.js';

/** The signed-in browser session, resolved once per request before the handler runs. */
export interface BrowserSession extends SessionData {
  /** SHA-256 (hex) of the cookie value: the key in `stores.cache.sessions`. The value itself is never kept. */
  key: string;
  /** The session's user, re-read on every request: a disabled user's session stops working at once. */
  user: User;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, or null. Set by the `browserSessions` plugin (preHandler). */
    session: BrowserSession | null;
  }
}

/** Session cookie values: `gth_ss_` + 43 base64url characters. Anything else is ignored unread. */
const SESSION_VALUE = new RegExp(`^${TOKEN_PREFIX.session}[A-Za-z0-9_-]{43}$`);

export function sessionCookieName(config: Pick<Config, 'env'>): string {
  return cookieName(config, 'gh_session');
}

/**
 * Resolves `request.session` in a preHandler for every route registered after it in the
 * same encapsulated context. A stale cookie (unknown session, deleted or disabled user)
 * is cleared. Store outages propagate (StoreUnavailableError → 503 page).
 */
export const browserSessions = fp(
  async (app: FastifyInstance, options: { config: Config; stores: Stores }) => {
    const { config, stores } = options;
    const name = sessionCookieName(config);
    app.decorateRequest('session', null);
    app.addHook('preHandler', async (request, reply) => {
      request.session = null;
      const value = request.cookies[name];
      if (value === undefined) return;
      if (!SESSION_VALUE.test(value)) {
        reply.clearCookie(name, cookieOptions(config));
        return;
      }
      const key = sha256Hex(value);
      const data = await stores.cache.sessions.get(key);
      const user = data ? await stores.db.users.findById(data.userId) : null;
      // A password change or reset since sign-in ends the session everywhere (SEC-63).
      if (!data || !user || user.status !== 'active' || !sessionIsCurrent(data, user)) {
        if (data) await stores.cache.sessions.delete(key);
        reply.clearCookie(name, cookieOptions(config));
        return;
      }
      request.session = { ...data, key, user };
    });
  },
  { name: 'gatehouse-browser-sessions', fastify: '5.x', dependencies: ['@fastify/cookie'] },
);

/**
 * Signs the user in: destroys any session the browser already had and issues a NEW
 * session id (no session fixation), with a fresh CSRF token and `authTime` = now.
 */
export async function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { config: Config; stores: Stores; user: User; amr?: string[] },
): Promise<BrowserSession> {
  const { config, stores, user } = options;
  await destroyPresentedSession(request, stores, config);
  const value = randomToken(TOKEN_PREFIX.session);
  const data: SessionData = {
    userId: user.id,
    csrfToken: randomToken(''),
    authTime: Math.floor(Date.now() / 1000),
    epoch: user.sessionEpoch,
    amr: options.amr ?? ['pwd'],
  };
  const key = sha256Hex(value);
  await stores.cache.sessions.put(key, data, config.sessionTtl);
  reply.setCookie(sessionCookieName(config), value, cookieOptions(config, config.sessionTtl));
  request.session = { ...data, key, user };
  return request.session;
}

/** How the session's sign-in was authenticated (RFC 8176); sessions from before `amr` were password-only. */
export function sessionAmr(session: Pick<SessionData, 'amr'>): string[] {
  return session.amr ?? ['pwd'];
}

/** Signs out: deletes the session server-side (the old cookie stops working anywhere) and clears the cookie. */
export async function endSession(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { config: Config; stores: Stores },
): Promise<void> {
  await destroyPresentedSession(request, options.stores, options.config);
  request.session = null;
  reply.clearCookie(sessionCookieName(options.config), cookieOptions(options.config));
}

async function destroyPresentedSession(
  request: FastifyRequest,
  stores: Stores,
  config: Config,
): Promise<void> {
  if (request.session) {
    await stores.cache.sessions.delete(request.session.key);
    return;
  }
  const value = request.cookies[sessionCookieName(config)];
  if (value && SESSION_VALUE.test(value)) await stores.cache.sessions.delete(sha256Hex(value));
}

/** `/login?return_to=<path>` for a page that needs a signed-in user. */
export function loginUrl(returnTo: string): string {
  return `/login?return_to=${encodeURIComponent(returnTo)}`;
}

/**
 * preHandler for pages that need a signed-in user: without a session, GET/HEAD go to
 * `/login?return_to=<this page>`; anything else is refused (the CSRF hook already
 * answered 403 for state-changing requests without a session).
 */
export async function requireSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.session) return;
  const path = request.url.startsWith('/') && !request.url.startsWith('//') ? request.url : '/account';
  await reply.redirect(loginUrl(path), request.method === 'GET' || request.method === 'HEAD' ? 302 : 303);
}

/** The session of a route guarded by `requireSession` (narrows the type). */
export function signedIn(request: FastifyRequest): BrowserSession {
  if (!request.session) throw new Error('signedIn() used on a route without requireSession');
  return request.session;
}
