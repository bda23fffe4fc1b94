import {
  type AuditPayloads,
  type Config,
  keyEncryptionSecret,
  type PendingLogin,
  randomToken,
  type Stores,
  sha256Hex,
  type User,
} from '@gatehouse/core';
import {
  PASSKEY_AMR,
  PENDING_LOGIN_TTL_SECONDS,
  SECOND_FACTOR_THROTTLE,
  secondFactorRule,
  secondFactorsOf,
  secondFactorThrottleKey,
  sessionIsCurrent,
  totpSecretKey,
  verifySecondFactor,
} from '@gatehouse/core/accounts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookieName, cookieOptions } from '../browser/cookies.js';
import { allowOwnScripts } from '../browser/csp.js';
import { preSessionCsrfToken } from '../browser/csrf.js';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { checkWindows, countFailure, type KeyedWindowRule } from '../browser/throttle.js';
import { checkPasskeyAssertion, passkeyRequestOptions } from './passkeys.js';

/** Pending sign-in cookie values: 256 random bits, base64url. Anything else is ignored unread. */
const PENDING_VALUE = /^[A-Za-z0-9_-]{43}$/;

/** What the password step hands on once the second factor passed. */
export interface SignInCompletion {
  user: User;
  amr: string[];
  recognisedDevice: boolean;
  delayMs: number;
  secondFactor: 'totp' | 'recovery_code' | 'passkey' | null;
}

export interface SecondFactorContext {
  config: Config;
  stores: Stores;
  /** `/login/second-factor` plus the `return_to` of this sign-in. */
  actionFor(request: FastifyRequest, path: string): string;
  /** The sign-in's safe `return_to`, or null. */
  returnTo(request: FastifyRequest): string | null;
  /** Starts the session, sets the device cookie, audits and redirects (login.ts). */
  complete(request: FastifyRequest, reply: FastifyReply, completion: SignInCompletion): Promise<FastifyReply>;
  audit<T extends SignInAuditType>(
    request: FastifyRequest,
    user: User | null,
    type: T,
    data: AuditPayloads[T],
  ): Promise<void>;
}

/** The audit events of signing in (recorded by login.ts's `audit`). */
export type SignInAuditType = 'login.failed' | 'login.succeeded' | 'logout' | 'two_factor.recovery_code_used';

function pendingCookieName(config: Pick<Config, 'env'>): string {
  return cookieName(config, 'gh_login');
}

/**
 * SEC-70: after a right password for an account with a second factor, no session yet: a
 * pending sign-in (5 minutes) in the cache, keyed by the SHA-256 of a random value in an
 * HttpOnly cookie of this browser only, and the browser is sent to the second-factor form.
 */
export async function beginSecondFactor(
  reply: FastifyReply,
  ctx: Pick<SecondFactorContext, 'config' | 'stores'>,
  pending: PendingLogin,
): Promise<void> {
  const value = randomToken('');
  await ctx.stores.cache.pendingLogins.put(sha256Hex(value), pending, PENDING_LOGIN_TTL_SECONDS);
  reply.setCookie(pendingCookieName(ctx.config), value, cookieOptions(ctx.config, PENDING_LOGIN_TTL_SECONDS));
}

/** `GET/POST /login/second-factor` (API.md §8): the authenticator code or a recovery code. */
export function secondFactorRoutes(app: FastifyInstance, ctx: SecondFactorContext): void {
  const { config, stores } = ctx;
  const key = totpSecretKey(keyEncryptionSecret(config));
  const cookie = pendingCookieName(config);

  const pendingKey = (request: FastifyRequest): string | null => {
    const value = request.cookies[cookie];
    return value && PENDING_VALUE.test(value) ? sha256Hex(value) : null;
  };

  /** What the form offers this user: the code field for TOTP, a passkey button (fresh challenge) for passkeys. */
  const offer = async (request: FastifyRequest, reply: FastifyReply, pendingKey: string, userId: number) => {
    const factors = await secondFactorsOf(stores, userId);
    if (factors.passkeys === 0) return { totp: factors.totp, passkeyOptions: null };
    const passkeys = await stores.db.passkeys.listByUser(userId);
    const passkeyOptions = await passkeyRequestOptions(stores, config, `2fa:${pendingKey}`, userId, passkeys);
    await allowOwnScripts(reply, config, stores, ctx.returnTo(request));
    return { totp: factors.totp, passkeyOptions };
  };

  const form = (
    request: FastifyRequest,
    reply: FastifyReply,
    offered: Awaited<ReturnType<typeof offer>>,
    options: { status?: number; error?: string | null } = {},
  ) =>
    page(
      reply,
      'login-second-factor.eta',
      {
        title: 'Two-factor authentication',
        action: ctx.actionFor(request, '/login/second-factor'),
        passkeyAction: ctx.actionFor(request, '/login/second-factor/passkey'),
        restart: ctx.actionFor(request, '/login'),
        csrfToken: preSessionCsrfToken(request, reply, config),
        totp: offered.totp,
        passkeyOptions: offered.passkeyOptions,
        error: options.error ?? null,
      },
      options.status ?? 200,
    );

  /** Back to the password form: the pending sign-in is gone, expired or no longer valid. */
  const startOver = (request: FastifyRequest, reply: FastifyReply) => {
    reply.clearCookie(cookie, cookieOptions(config));
    return reply.redirect(ctx.actionFor(request, '/login'), 303);
  };

  app.get('/login/second-factor', async (request, reply) => {
    const k = pendingKey(request);
    const pending = k ? await stores.cache.pendingLogins.get(k) : null;
    if (!k || !pending) return startOver(request, reply);
    return form(request, reply, await offer(request, reply, k, pending.userId));
  });

  /** The pending sign-in of this browser, while it is still good; else null (and it is deleted). */
  const livePending = async (request: FastifyRequest) => {
    const k = pendingKey(request);
    const pending = k ? await stores.cache.pendingLogins.get(k) : null;
    const user = pending ? await stores.db.users.findById(pending.userId) : null;
    // A password change, reset or disabling since the password step ends the pending sign-in.
    if (!k || !pending || !user || user.status !== 'active' || !sessionIsCurrent(pending, user)) {
      if (k) await stores.cache.pendingLogins.delete(k);
      return null;
    }
    return { k, pending, user };
  };

  app.post('/login/second-factor/passkey', { config: { csrf: 'pre-session' } }, async (request, reply) => {
    const live = await livePending(request);
    if (!live) return startOver(request, reply);
    const { k, pending, user } = live;
    const check = await checkPasskeyAssertion(stores, config, `2fa:${k}`, request, user.id);
    if (!check.ok) {
      await ctx.audit(request, user, 'login.failed', { reason: 'passkey_not_verified' });
      return form(request, reply, await offer(request, reply, k, user.id), {
        status: 400,
        error: 'That passkey could not be verified. Try again.',
      });
    }
    if (!(await stores.cache.pendingLogins.take(k))) return startOver(request, reply);
    reply.clearCookie(cookie, cookieOptions(config));
    return ctx.complete(request, reply, {
      user,
      amr: ['pwd', PASSKEY_AMR.secondFactor],
      recognisedDevice: pending.recognisedDevice,
      delayMs: pending.delayMs,
      secondFactor: 'passkey',
    });
  });

  app.post('/login/second-factor', { config: { csrf: 'pre-session' } }, async (request, reply) => {
    const live = await livePending(request);
    if (!live) return startOver(request, reply);
    const { k, pending, user } = live;

    const rule: KeyedWindowRule = {
      ...secondFactorRule,
      key: secondFactorThrottleKey(user.id),
      windowSeconds: SECOND_FACTOR_THROTTLE.windowSeconds,
    };
    const throttled = await checkWindows(stores.cache.rateLimits, [rule]);
    if (!throttled.allowed) {
      reply.header('retry-after', String(throttled.retryAfterSeconds));
      return form(request, reply, await offer(request, reply, k, user.id), {
        status: 429,
        error: 'Too many wrong codes for this account. Try again later.',
      });
    }

    const result = await verifySecondFactor(stores, user.id, field(request.body, 'code') ?? '', key);
    if (!result.passed) {
      await countFailure(stores.cache.rateLimits, [rule]);
      await ctx.audit(request, user, 'login.failed', { reason: 'wrong_second_factor' });
      return form(request, reply, await offer(request, reply, k, user.id), {
        status: 400,
        error: 'That code is not right. Enter the code your authenticator app shows now, or a recovery code.',
      });
    }
    // Of two tabs finishing one pending sign-in, one signs in; the other starts over.
    if (!(await stores.cache.pendingLogins.take(k))) return startOver(request, reply);
    reply.clearCookie(cookie, cookieOptions(config));
    if (result.method === 'recovery_code') {
      const { recoveryCodesLeft } = await stores.db.twoFactor.status(user.id);
      await ctx.audit(request, user, 'two_factor.recovery_code_used', {
        recovery_codes_left: recoveryCodesLeft,
      });
    }
    return ctx.complete(request, reply, {
      user,
      amr: ['pwd', result.amr],
      recognisedDevice: pending.recognisedDevice,
      delayMs: pending.delayMs,
      secondFactor: result.method,
    });
  });
}
