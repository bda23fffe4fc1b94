import { DuplicateError, sha256Hex } from '@gatehouse/core';
import { accountMail, canonicalEmail, emailProblem, verifyEmailLink } from '@gatehouse/core/accounts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { requireSession, signedIn } from '../browser/session.js';
import { checkWindows } from '../browser/throttle.js';
import { type MailContext, sendInBackground, sendVerificationLink } from '../mail/account-mail.js';
import { auditUserAction } from '../pages/audit.js';
import { currentPasswordRefused } from './current-password.js';

/** Verification mails per account and hour; current-password checks per account and hour. */
export const EMAIL_THROTTLE = {
  windowSeconds: 3600,
  resendPerAccount: 5,
  passwordChecksPerAccount: 10,
} as const;

const BACK = { href: '/account#email', text: 'Back to your account' };

function problemPage(reply: FastifyReply, status: number, title: string, alert: string) {
  return page(reply, 'message.eta', { title, alert, text: null, link: BACK }, status);
}

/**
 * Verified e-mail (SEC-61): `GET /verify-email?token=` follows a mailed link,
 * `POST /account/email/verification` mails a new one, `POST /account/email` changes the
 * address (current password required): the new one starts unverified and gets a link, the
 * old one is told.
 */
export async function emailVerificationRoutes(app: FastifyInstance, ctx: MailContext): Promise<void> {
  const { stores } = ctx;

  app.get('/verify-email', async (request, reply) => {
    const userId = await verifyEmailLink(stores, field(request.query, 'token'));
    if (userId === null) {
      return page(
        reply,
        'message.eta',
        {
          title: 'This link does not work',
          alert:
            'The confirmation link is unknown, was used already, has expired, or is for an address the account no longer uses.',
          text: null,
          link: request.session ? BACK : { href: '/login', text: 'Sign in' },
        },
        400,
      );
    }
    await auditUserAction(stores, request, userId, { type: 'email.verified', data: {} });
    if (request.session?.user.id === userId)
      return reply.redirect('/account?notice=email-verified#email', 303);
    return page(reply, 'message.eta', {
      title: 'Email address confirmed',
      alert: null,
      text: 'Thank you: your email address is confirmed.',
      link: { href: '/account', text: 'Go to your account' },
    });
  });

  app.post('/account/email/verification', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    if (!ctx.mailer) {
      return problemPage(
        reply,
        503,
        'Mail is unavailable',
        'This server cannot send mail, so your address cannot be confirmed.',
      );
    }
    if (user.emailVerified) return reply.redirect('/account#email', 303);
    const throttled = await checkWindows(stores.cache.rateLimits, [
      {
        kind: 'attempts',
        key: `verify-mail:u${user.id}`,
        limit: EMAIL_THROTTLE.resendPerAccount,
        windowSeconds: EMAIL_THROTTLE.windowSeconds,
      },
    ]);
    if (!throttled.allowed) {
      reply.header('retry-after', String(throttled.retryAfterSeconds));
      return problemPage(
        reply,
        429,
        'Too many mails',
        'We sent several confirmation links recently. Please check your inbox, or try again later.',
      );
    }
    await sendVerificationLink(ctx, request, user);
    return reply.redirect('/account?notice=verification-sent#email', 303);
  });

  app.post('/account/email', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const typed = (field(request.body, 'email') ?? '').trim();
    const problem = emailProblem(typed);
    const email = problem ? null : canonicalEmail(typed);
    if (!email)
      return problemPage(
        reply,
        400,
        'Email address not changed',
        `The new email address ${problem ?? 'is not valid'}.`,
      );
    const refused = await currentPasswordRefused(stores, request, reply, user);
    if (refused) {
      const title = refused.status === 429 ? 'Too many attempts' : 'Email address not changed';
      return problemPage(reply, refused.status, title, refused.alert);
    }
    if (email === user.email)
      return problemPage(reply, 400, 'Email address not changed', 'That is already your email address.');
    let changed: Awaited<ReturnType<typeof stores.db.users.changeEmail>>;
    try {
      changed = await stores.db.users.changeEmail(user.id, email);
    } catch (error) {
      if (error instanceof DuplicateError && error.field === 'email') {
        return problemPage(
          reply,
          409,
          'Email address not changed',
          'Another account already uses that email address.',
        );
      }
      throw error;
    }
    if (!changed) return reply.redirect('/login', 303);
    await auditUserAction(stores, request, user.id, {
      type: 'email.changed',
      // Hashes: the audit log names which address without keeping the old one readable.
      data: { old_email_sha256: sha256Hex(user.email), new_email: changed.email },
    });
    if (ctx.mailer)
      sendInBackground(
        ctx.mailer,
        request,
        accountMail.emailChanged(user.email, user.username, changed.email),
      );
    await sendVerificationLink(ctx, request, changed);
    return reply.redirect('/account?notice=email-changed#email', 303);
  });
}
