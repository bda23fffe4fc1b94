import { randomToken, sha256Hex, TOKEN_PREFIX } from '../crypto.js';
import type { MailMessage } from '../mail/mailer.js';
import { revokeUserGrants } from '../oauth/revoke-grants.js';
import type { EmailTokenPurpose, Stores, User } from '../ports/index.js';

/** How long a mailed link works (SEC-62): a day to verify an address, an hour to reset a password. */
export const EMAIL_LINK_TTL_SECONDS: Record<EmailTokenPurpose, number> = {
  verify_email: 24 * 3600,
  reset_password: 3600,
};

const PATHS: Record<EmailTokenPurpose, string> = {
  verify_email: '/verify-email',
  reset_password: '/reset-password',
};

/** Link tokens are `gth_el_` + 256 random bits; anything else is refused unread. */
const LINK_TOKEN = new RegExp(`^${TOKEN_PREFIX.emailLink}[A-Za-z0-9_-]{43}$`);

export function isLinkToken(value: unknown): value is string {
  return typeof value === 'string' && LINK_TOKEN.test(value);
}

/**
 * Issues a one-time link for `purpose` to `email` (SEC-62): 256 random bits, only the
 * SHA-256 stored, earlier links of the same purpose spent. Returns the URL to mail.
 */
export async function issueEmailLink(
  stores: Stores,
  input: { userId: number; email: string; purpose: EmailTokenPurpose; issuer: string },
  now = new Date(),
): Promise<string> {
  const token = randomToken(TOKEN_PREFIX.emailLink);
  await stores.db.emailTokens.issue(
    {
      tokenHash: sha256Hex(token),
      userId: input.userId,
      purpose: input.purpose,
      email: input.email,
      expiresAt: new Date(now.getTime() + EMAIL_LINK_TTL_SECONDS[input.purpose] * 1000),
    },
    now,
  );
  return `${input.issuer}${PATHS[input.purpose]}?token=${token}`;
}

/**
 * Follows a verification link: spends it and marks the address verified, but only while
 * it is still the account's address (a link to a replaced address verifies nothing).
 * Returns the user id, or null for an unknown, used, expired or outdated link.
 */
export async function verifyEmailLink(
  stores: Stores,
  token: unknown,
  now = new Date(),
): Promise<number | null> {
  if (!isLinkToken(token)) return null;
  const record = await stores.db.emailTokens.consume(sha256Hex(token), 'verify_email', now);
  if (!record) return null;
  return (await stores.db.users.markEmailVerified(record.userId, record.email)) ? record.userId : null;
}

/** Whether a reset link still works, without spending it (the form is shown first). */
export async function peekResetLink(stores: Stores, token: unknown, now = new Date()): Promise<boolean> {
  if (!isLinkToken(token)) return false;
  return (await stores.db.emailTokens.peek(sha256Hex(token), 'reset_password', now)) !== null;
}

/**
 * Completes a password reset (SEC-63): spends the link, sets the new hash and raises the
 * session epoch (every browser session ends), then revokes every refresh-token family and
 * its access tokens, telling each app that held some (`grant.revoked`). Null when the link
 * is unknown, used or expired.
 */
export async function completePasswordReset(
  stores: Stores,
  token: unknown,
  passwordHash: string,
  now = new Date(),
): Promise<User | null> {
  if (!isLinkToken(token)) return null;
  const record = await stores.db.emailTokens.consume(sha256Hex(token), 'reset_password', now);
  if (!record) return null;
  const user = await stores.db.users.setPassword(record.userId, passwordHash);
  if (!user) return null;
  // Every app is told its access ended: it must sign the user in again.
  await revokeUserGrants(stores, user.id, null, now, 'password_reset');
  return user;
}

/** A browser session survives only while its epoch is the user's (SEC-63); sessions from before epochs count as 0. */
export function sessionIsCurrent(session: { epoch?: number }, user: Pick<User, 'sessionEpoch'>): boolean {
  return (session.epoch ?? 0) === user.sessionEpoch;
}

/** The mails, in plain text: what happened, the link, and what to do if it was not you. */
export const accountMail = {
  verify(to: string, username: string, link: string): MailMessage {
    return {
      kind: 'email.verify',
      to,
      subject: 'Confirm your email address',
      text: `Hello ${username},\n\nconfirm that this is your email address by opening this link within 24 hours:\n\n${link}\n\nIf you did not create a Gatehouse account or change its address, ignore this mail.\n`,
    };
  },
  reset(to: string, username: string, link: string): MailMessage {
    return {
      kind: 'password.reset',
      to,
      subject: 'Reset your password',
      text: `Hello ${username},\n\nsomeone asked to reset the password of your Gatehouse account. To choose a new password, open this link within 1 hour:\n\n${link}\n\nIf it was not you, ignore this mail: your password stays as it is.\n`,
    };
  },
  emailChanged(to: string, username: string, newEmail: string): MailMessage {
    return {
      kind: 'email.changed',
      to,
      subject: 'Your email address was changed',
      text: `Hello ${username},\n\nthe email address of your Gatehouse account was changed to ${newEmail}. Mail about the account now goes there.\n\nIf you did not do this, reset your password at once and contact support.\n`,
    };
  },
};
