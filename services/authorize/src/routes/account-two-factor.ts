import { keyEncryptionSecret, type Stores, type User } from '@gatehouse/core';
import {
  canonicalRecoveryCode,
  checkTotpCode,
  decryptTotpSecret,
  encryptTotpSecret,
  newRecoveryCodes,
  newTotpSecret,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
  SECOND_FACTOR_THROTTLE,
  secondFactorRule,
  secondFactorThrottleKey,
  totpSecretKey,
  totpUri,
} from '@gatehouse/core/accounts';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { requireSession, signedIn } from '../browser/session.js';
import { checkWindows, countFailure } from '../browser/throttle.js';
import { auditUserAction } from '../pages/audit.js';
import { currentPasswordRefused } from './current-password.js';

/** An enrolment must be confirmed this soon after the password that started it (SEC-69). */
export const ENROLMENT_TTL_SECONDS = 10 * 60;

/** Issuer label in authenticator apps. */
const APP_NAME = 'Gatehouse';

/** The two-factor section of /account (partials/account-two-factor.eta). */
export async function twoFactorView(stores: Stores, user: User) {
  return { twoFactor: await stores.db.twoFactor.status(user.id) };
}

export function notChanged(reply: FastifyReply, status: number, alert: string) {
  return page(
    reply,
    'message.eta',
    {
      title: 'Two-factor authentication not changed',
      alert,
      text: null,
      link: { href: '/account#two-factor', text: 'Back to your account' },
    },
    status,
  );
}

/**
 * `/account/two-factor/*` (API.md §8, SEC-69): turning the authenticator-app factor on
 * (current password → secret and otpauth URI → first code → recovery codes, shown once)
 * and off (current password). Every form carries the session's CSRF token.
 */
export async function accountTwoFactorRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const key = totpSecretKey(keyEncryptionSecret(config));

  const setupPage = (
    reply: FastifyReply,
    request: FastifyRequest,
    secret: string,
    extra: { error?: string; status?: number } = {},
  ) => {
    const { user, csrfToken } = signedIn(request);
    return page(
      reply,
      'two-factor-setup.eta',
      {
        title: 'Set up an authenticator app',
        nav: 'account',
        csrfToken,
        secret,
        // Groups of four, as authenticator apps show typed keys.
        secretGroups: secret.match(/.{1,4}/g)?.join(' ') ?? secret,
        uri: totpUri({ issuer: APP_NAME, account: user.username, secret }),
        error: extra.error ?? null,
      },
      extra.status ?? 200,
    );
  };

  app.post('/account/two-factor/totp', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const refused = await currentPasswordRefused(stores, request, reply, user);
    if (refused) return notChanged(reply, refused.status, refused.alert);
    const secret = newTotpSecret();
    if (
      !(await stores.db.twoFactor.beginTotp(
        user.id,
        await encryptTotpSecret(secret, user.id, key),
        new Date(),
      ))
    ) {
      return notChanged(
        reply,
        409,
        'Two-factor authentication is already on. Turn it off first to set it up again.',
      );
    }
    return setupPage(reply, request, secret);
  });

  app.post('/account/two-factor/totp/confirm', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const now = new Date();
    const factor = await stores.db.twoFactor.findTotp(user.id);
    const fresh =
      factor !== null && now.getTime() - factor.createdAt.getTime() < ENROLMENT_TTL_SECONDS * 1000;
    if (!factor || factor.confirmedAt !== null || !fresh) {
      return notChanged(
        reply,
        400,
        'This setup has expired or is already finished. Start again from your account.',
      );
    }
    const throttleRule = {
      ...secondFactorRule,
      key: secondFactorThrottleKey(user.id),
      windowSeconds: SECOND_FACTOR_THROTTLE.windowSeconds,
    };
    const throttled = await checkWindows(stores.cache.rateLimits, [throttleRule]);
    const secret = await decryptTotpSecret(factor.encryptedSecret, user.id, key);
    if (!throttled.allowed) {
      reply.header('retry-after', String(throttled.retryAfterSeconds));
      return setupPage(reply, request, secret, {
        status: 429,
        error: 'Too many wrong codes. Try again later.',
      });
    }
    const check = await checkTotpCode(secret, field(request.body, 'code') ?? '', now.getTime(), null);
    if (!check.valid) {
      await countFailure(stores.cache.rateLimits, [throttleRule]);
      return setupPage(reply, request, secret, {
        status: 400,
        error: 'That code is not right. Check the time on your phone and enter the code shown now.',
      });
    }
    const codes = newRecoveryCodes();
    if (!(await stores.db.twoFactor.confirmTotp(user.id, check.step, codes.map(hashOf), now))) {
      return notChanged(reply, 409, 'This setup was finished or cancelled meanwhile.');
    }
    await auditUserAction(stores, request, user.id, {
      type: 'two_factor.enabled',
      data: { method: 'totp', recovery_codes: RECOVERY_CODE_COUNT },
    });
    // Rendered straight from the POST: the codes never travel in a URL and are never shown again.
    return page(reply, 'two-factor-recovery-codes.eta', {
      title: 'Two-factor authentication is on',
      nav: 'account',
      codes,
    });
  });

  app.post('/account/two-factor/remove', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const refused = await currentPasswordRefused(stores, request, reply, user);
    if (refused) return notChanged(reply, refused.status, refused.alert);
    const wasOn = (await stores.db.twoFactor.status(user.id)).totp;
    await stores.db.twoFactor.remove(user.id);
    if (wasOn)
      await auditUserAction(stores, request, user.id, {
        type: 'two_factor.removed',
        data: { method: 'totp' },
      });
    return reply.redirect('/account?notice=two-factor-removed#two-factor', 303);
  });
}

const hashOf = (code: string) => recoveryCodeHash(canonicalRecoveryCode(code)!);
