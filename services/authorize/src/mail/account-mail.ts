import type { Config, Mailer, MailMessage, Stores, User } from '@gatehouse/core';
import { accountMail, issueEmailLink } from '@gatehouse/core/accounts';
import type { FastifyRequest } from 'fastify';
import { auditUserAction } from '../pages/audit.js';

/** What the mail routes share: the mailer is null when the server cannot send mail (production without SMTP_URL). */
export interface MailContext {
  config: Config;
  stores: Stores;
  mailer: Mailer | null;
}

/**
 * Hands a mail to the mailer without waiting for it: the page answers in the same time
 * whether or not a mail goes out (no account oracle by timing), and a slow mail server
 * never holds a request. A failure is logged without the message (it holds the link, SEC-60).
 */
export function sendInBackground(mailer: Mailer, request: FastifyRequest, message: MailMessage): void {
  mailer.send(message).catch((error: unknown) => {
    request.log.error(
      { mailKind: message.kind, reason: (error as Error)?.message },
      'mail could not be handed to the mail server',
    );
  });
}

/** Mails a fresh verification link for the user's current address and records it (SEC-61). */
export async function sendVerificationLink(
  ctx: MailContext,
  request: FastifyRequest,
  user: User,
): Promise<boolean> {
  if (!ctx.mailer) return false;
  const link = await issueEmailLink(ctx.stores, {
    userId: user.id,
    email: user.email,
    purpose: 'verify_email',
    issuer: ctx.config.issuer,
  });
  sendInBackground(ctx.mailer, request, accountMail.verify(user.email, user.username, link));
  await auditUserAction(ctx.stores, request, user.id, {
    type: 'email.verification_sent',
    data: { email: user.email },
  });
  return true;
}
