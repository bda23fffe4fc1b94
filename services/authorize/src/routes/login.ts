import { setTimeout as sleep } from 'node:timers/promises';
import { type AuditEventInput, type AuditPayloads, actor, randomToken, type User } from '@gatehouse/core';
import {
  canonicalLogin,
  DEVICE_COOKIE_TTL_SECONDS,
  type LoginThrottleLimits,
  needsSecondFactor,
  readDeviceCookie,
  rememberDevice,
  signDeviceCookie,
} from '@gatehouse/core/accounts';
import { loginHintPrefill } from '@gatehouse/core/authorize';
import { dummyPasswordHash, recordAudit, type ServiceOptions, verifyPassword } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookieName, cookieOptions } from '../browser/cookies.js';
import { allowFormRedirectOfReturnTo } from '../browser/csp.js';
import { preSessionCsrfToken } from '../browser/csrf.js';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { DEFAULT_RETURN_TO, safeReturnTo } from '../browser/return-to.js';
import { endSession, startSession } from '../browser/session.js';
import { type LoginAttempt, loginThrottle } from '../browser/throttle.js';
import {
  beginSecondFactor,
  type SignInAuditType,
  type SignInCompletion,
  secondFactorRoutes,
} from './login-second-factor.js';
import { passkeyLoginRoutes } from './passkeys.js';

/** One message for an unknown user and a wrong password: the form is no account oracle. */
export const LOGIN_FAILED_MESSAGE = 'Incorrect username or password.';

const MAX_LOGIN_LENGTH = 254;
const MAX_PASSWORD_LENGTH = 1024;

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/** Without DEVICE_COOKIE_SECRET: one random key for this process (devices recognised until restart). */
const PROCESS_DEVICE_SECRET = randomToken('device-', 32);

export interface LoginRouteOptions extends ServiceOptions {
  /** Tests shorten the delays; production uses LOGIN_THROTTLE. */
  loginThrottle?: LoginThrottleLimits;
}

/** The `login_hint` of the authorization request this sign-in continues (API.md §1), for the username field. */
function loginHintOf(returnTo: string | null, issuer: string): string {
  if (!returnTo?.startsWith('/api/oauth2/authorize?')) return '';
  return loginHintPrefill(new URL(returnTo, issuer).searchParams.get('login_hint'));
}

/** GET/POST /login and POST /logout (API.md §8). */
export async function loginRoutes(app: FastifyInstance, options: LoginRouteOptions): Promise<void> {
  const { config, stores } = options;
  const throttle = loginThrottle(stores.cache.rateLimits, options.loginThrottle);
  const deviceSecret = config.deviceCookieSecret ?? PROCESS_DEVICE_SECRET;
  const deviceCookie = cookieName(config, 'gh_device');
  // Computed once up front, so the first unknown-user login costs the same as the others.
  await dummyPasswordHash();

  const returnToOf = (request: FastifyRequest) =>
    safeReturnTo(field(request.query, 'return_to'), config.issuer);
  /** `path` carrying this sign-in's `return_to` along. */
  const actionFor = (request: FastifyRequest, path: string) => {
    const returnTo = returnToOf(request);
    return returnTo ? `${path}?return_to=${encodeURIComponent(returnTo)}` : path;
  };

  const loginForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    options: { status?: number; error?: string | null; username?: string } = {},
  ) => {
    const returnTo = returnToOf(request);
    await allowFormRedirectOfReturnTo(reply, config, stores, returnTo);
    return page(
      reply,
      'login.eta',
      {
        title: 'Sign in',
        action: actionFor(request, '/login'),
        passkeyLogin: actionFor(request, '/login/passkey'),
        continuing: returnTo?.startsWith('/api/oauth2/authorize') ?? false,
        csrfToken: preSessionCsrfToken(request, reply, config),
        error: options.error ?? null,
        username: options.username ?? loginHintOf(returnTo, config.issuer),
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

    const tooLong = username.length > MAX_LOGIN_LENGTH || password.length > MAX_PASSWORD_LENGTH;
    // Looked up first: every spelling of one account (username in any case, e-mail) shares
    // one counter, keyed by the user id (SEC-34).
    const user = tooLong ? null : await stores.db.users.findByLogin(canonicalLogin(username));
    const attempt: LoginAttempt = {
      login: username,
      userId: user?.id ?? null,
      address: request.ip,
      device: readDeviceCookie(deviceSecret, request.cookies[deviceCookie]),
    };
    const decision = await throttle.check(attempt);
    if (decision.kind === 'refuse') {
      // Not audited: a flood must not turn into a flood of database writes.
      reply.header('retry-after', String(decision.retryAfterSeconds));
      return loginForm(request, reply, {
        status: 429,
        error: `Too many sign-in attempts. Try again in ${minutes(decision.retryAfterSeconds)}.`,
        username,
      });
    }
    // The account-wide limit slows guessing down instead of locking the owner out.
    if (decision.delayMs > 0) await sleep(decision.delayMs);

    // Unknown users are verified against a dummy hash so both failures take the same time.
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!user || !valid) {
      await throttle.failed(attempt);
      await audit(request, user, 'login.failed', { reason: user ? 'wrong_password' : 'unknown_user' });
      return loginForm(request, reply, { status: 400, error: LOGIN_FAILED_MESSAGE, username });
    }
    if (user.status !== 'active') {
      await audit(request, user, 'login.failed', { reason: 'disabled' });
      return loginForm(request, reply, { status: 403, error: 'This account has been disabled.', username });
    }

    await throttle.succeeded(attempt);
    if (await needsSecondFactor(stores, user.id)) {
      // No session and no device cookie until the second factor passed (SEC-70).
      await beginSecondFactor(
        reply,
        { config, stores },
        {
          userId: user.id,
          epoch: user.sessionEpoch,
          recognisedDevice: decision.recognisedDevice,
          delayMs: decision.delayMs,
        },
      );
      return reply.redirect(actionFor(request, '/login/second-factor'), 303);
    }
    return complete(request, reply, {
      user,
      amr: ['pwd'],
      recognisedDevice: decision.recognisedDevice,
      delayMs: decision.delayMs,
      secondFactor: null,
    });
  });

  /**
   * The sign-in is complete: a new session, and the device cookie naming this account —
   * set only now, so for an account with a second factor a device is recognised by the
   * account-wide limit only after that factor passed on it (SEC-34, SEC-70).
   */
  async function complete(request: FastifyRequest, reply: FastifyReply, done: SignInCompletion) {
    const { user } = done;
    await startSession(request, reply, { config, stores, user, amr: done.amr });
    const device = readDeviceCookie(deviceSecret, request.cookies[deviceCookie]);
    reply.setCookie(
      deviceCookie,
      signDeviceCookie(deviceSecret, rememberDevice(device, user.id)),
      cookieOptions(config, DEVICE_COOKIE_TTL_SECONDS),
    );
    await audit(request, user, 'login.succeeded', {
      device: done.recognisedDevice ? 'recognised' : 'new',
      delay_ms: done.delayMs,
      ...(done.secondFactor ? { second_factor: done.secondFactor } : {}),
    });
    return reply.redirect(returnToOf(request) ?? DEFAULT_RETURN_TO, 303);
  }

  const secondFactorContext = { config, stores, actionFor, returnTo: returnToOf, complete, audit };
  secondFactorRoutes(app, secondFactorContext);
  passkeyLoginRoutes(app, secondFactorContext);

  app.post('/logout', async (request, reply) => {
    const user = request.session?.user ?? null;
    await endSession(request, reply, { config, stores });
    if (user) await audit(request, user, 'logout', {});
    return reply.redirect('/login', 303);
  });

  /** Sign-in events: recorded after the fact (core's audit policy; a failure is logged and counted). */
  async function audit<T extends SignInAuditType>(
    request: FastifyRequest,
    user: User | null,
    type: T,
    data: AuditPayloads[T],
  ): Promise<void> {
    await recordAudit(stores, request, {
      type,
      userId: user?.id ?? null,
      actor: user ? actor.user(user.id) : actor.anonymous,
      data,
    } as AuditEventInput);
  }
}
