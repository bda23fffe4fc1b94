import type { Stores, User } from '@gatehouse/core';
import { verifyPassword } from '@gatehouse/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../browser/fields.js';
import { checkWindows } from '../browser/throttle.js';
import { EMAIL_THROTTLE } from './email-verification.js';

/**
 * The `current_password` field, checked before an account change (SEC-63, SEC-69) under one
 * per-account limit shared by every form that asks for it (password, e-mail, two-factor, passkeys).
 * Returns why it is refused (never the reply: a reply is thenable and would be awaited away).
 */
export async function currentPasswordRefused(
  stores: Stores,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
): Promise<{ status: number; alert: string } | null> {
  const throttled = await checkWindows(stores.cache.rateLimits, [
    {
      kind: 'attempts',
      key: `account-password:u${user.id}`,
      limit: EMAIL_THROTTLE.passwordChecksPerAccount,
      windowSeconds: EMAIL_THROTTLE.windowSeconds,
    },
  ]);
  if (!throttled.allowed) {
    reply.header('retry-after', String(throttled.retryAfterSeconds));
    return { status: 429, alert: 'Too many password checks for this account. Try again later.' };
  }
  const password = field(request.body, 'current_password') ?? '';
  if (!(await verifyPassword(user.passwordHash, password))) {
    return { status: 400, alert: 'The current password is not correct.' };
  }
  return null;
}
