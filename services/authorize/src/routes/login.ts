import type { User } from '@gatehouse/core';
import { dummyPasswordHash, type ServiceOptions, verifyPassword } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { preSessionCsrfToken } from '../browser/csrf.js';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { DEFAULT_RETURN_TO, safeReturnTo } from '../browser/return-to.js';
import { endSession, startSession } from '../browser/session.js';
import { loginThrottle } from '../browser/throttle.js';

/** One message for an unknown user and a wrong password: the form is no account oracle. */
export const LOGIN_FAILED_MESSAGE = 'Incorrect username or password.';

const MAX_LOGIN_LENGTH = 254;
const MAX_PASSWORD_LENGTH = 1024;

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/** GET/POST /login and POST /logout (API.md §8). */
export async function loginRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const throttle = loginThrottle(stores.cache.rateLimits);
  // Computed once up front, so the first unknown-user login costs the same as the others.
  await dummyPasswordHash();

  const returnToOf = (request: FastifyRequest) =>
    safeReturnTo(field(request.query, 'return_to'), config.issuer);

  const loginForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    options: { status?: number; error?: string | null; username?: string } = {},
  ) => {
    const returnTo = returnToOf(request);
    return page(
      reply,
      'login.eta',
      {
        title: 'Sign in',
        action: returnTo ? `/login?return_to=${encodeURIComponent(returnTo)}` : '/login',
        continuing: returnTo?.startsWith('/api/oauth2/authorize') ?? false,
        csrfToken: preSessionCsrfToken(request, reply, config),
        error: options.error ?? null,
        username: options.username ?? '',
      },
      options.status ?? 200,
    );
  };

  app.get('/login', async (request, reply) => loginForm(request, reply));

  app.post('/login', { config: { csrf: 'pre-session' } }, async (request, reply) => {
    const username = (field(request.body, 'username') ?? '').trim();
    const password = field(request.body, 'password') ?? '';
    if (username === '' || password === '') {
      return loginForm(request, reply, { status: 400, error: 'Enter your username and password.', username });
    }

    const throttled = await throttle.attempt(username, request.ip);
    if (!throttled.allowed) {
      // Not audited: a flood must not turn into a flood of database writes.
      reply.header('retry-after', String(throttled.retryAfterSeconds));
      return loginForm(request, reply, {
        status: 429,
        error: `Too many sign-in attempts. Try again in ${minutes(throttled.retryAfterSeconds)}.`,
        username,
      });
    }

    const tooLong = username.length > MAX_LOGIN_LENGTH || password.length > MAX_PASSWORD_LENGTH;
    const user = tooLong ? null : await stores.db.users.findByLogin(username);
    // Unknown users are verified against a dummy hash so both failures take the same time.
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!user || !valid) {
      await throttle.failed(username, request.ip);
      await audit(request, user, 'login.failed', { reason: user ? 'wrong_password' : 'unknown_user' });
      return loginForm(request, reply, { status: 400, error: LOGIN_FAILED_MESSAGE, username });
    }
    if (user.status !== 'active') {
      await audit(request, user, 'login.failed', { reason: 'disabled' });
      return loginForm(request, reply, { status: 403, error: 'This account has been disabled.', username });
    }

    await throttle.succeeded(username, request.ip);
    await startSession(request, reply, { config, stores, user });
    await audit(request, user, 'login.succeeded', {});
    return reply.redirect(returnToOf(request) ?? DEFAULT_RETURN_TO, 303);
  });

  app.post('/logout', async (request, reply) => {
    const user = request.session?.user ?? null;
    await endSession(request, reply, { config, stores });
    if (user) await audit(request, user, 'logout', {});
    return reply.redirect('/login', 303);
  });

  async function audit(
    request: FastifyRequest,
    user: User | null,
    type: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    await stores.db.audit.append({
      type,
      userId: user?.id ?? null,
      actor: user ? `user:${user.id}` : 'anonymous',
      ip: request.ip,
      data,
    });
  }
}
