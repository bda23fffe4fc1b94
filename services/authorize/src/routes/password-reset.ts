import { sha256Hex } from '@gatehouse/core';
import {
  accountMail,
  addressGroup,
  canonicalEmail,
  completePasswordReset,
  emailProblem,
  issueEmailLink,
  passwordProblem,
  peekResetLink,
} from '@gatehouse/core/accounts';
import { hashPassword } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { preSessionCsrfToken } from '../browser/csrf.js';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { endSession } from '../browser/session.js';
import { checkWindows } from '../browser/throttle.js';
import { type MailContext, sendInBackground } from '../mail/account-mail.js';
import { auditUserAction } from '../pages/audit.js';
import { type FieldErrors, oneError } from '../pages/forms.js';

/**
 * Reset requests (SEC-64): per address group (an IPv6 /64 is one) a 429 beyond the limit;
 * per account (or per typed address when there is none) mail stops silently, so the page
 * says the same either way.
 */
export const RESET_THROTTLE = { windowSeconds: 3600, perAddress: 20, perAccount: 3 } as const;

/** The one answer to every well-formed request, whether or not the address has an account. */
export const RESET_SENT_TEXT =
  'If an account uses this address, we have sent it a link to choose a new password. The link works for 1 hour.';

const UNAVAILABLE =
  'Password reset by email is not available on this server (it cannot send mail). Ask the platform’s support for help.';

/** `GET/POST /forgot-password` and `GET/POST /reset-password` (API.md §8). */
export async function passwordResetRoutes(app: FastifyInstance, ctx: MailContext): Promise<void> {
  const { config, stores } = ctx;

  const unavailable = (reply: FastifyReply) =>
    page(
      reply,
      'message.eta',
      {
        title: 'Password reset unavailable',
        alert: UNAVAILABLE,
        text: null,
        link: { href: '/login', text: 'Back to sign in' },
      },
      503,
    );

  const requestForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    form: { email?: string; errors?: FieldErrors; alert?: string | null; status?: number } = {},
  ) =>
    page(
      reply,
      'forgot-password.eta',
      {
        title: 'Forgot your password?',
        csrfToken: preSessionCsrfToken(request, reply, config),
        email: form.email ?? '',
        errors: form.errors ?? {},
        alert: form.alert ?? null,
      },
      form.status ?? 200,
    );

  const invalidLink = (reply: FastifyReply) =>
    page(
      reply,
      'message.eta',
      {
        title: 'This link does not work',
        alert: 'The password reset link is unknown, was used already or has expired. Ask for a new one.',
        text: null,
        link: { href: '/forgot-password', text: 'Ask for a new link' },
      },
      400,
    );

  const resetForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    form: { errors?: FieldErrors; alert?: string | null; status?: number } = {},
  ) =>
    page(
      reply,
      'reset-password.eta',
      {
        title: 'Choose a new password',
        csrfToken: preSessionCsrfToken(request, reply, config),
        token,
        errors: form.errors ?? {},
        alert: form.alert ?? null,
      },
      form.status ?? 200,
    );

  app.get('/forgot-password', async (request, reply) =>
    ctx.mailer ? requestForm(request, reply) : unavailable(reply),
  );

  app.post('/forgot-password', { config: { csrf: 'pre-session' } }, async (request, reply) => {
    if (!ctx.mailer) return unavailable(reply);
    const typed = (field(request.body, 'email') ?? '').trim();
    const byAddress = await checkWindows(stores.cache.rateLimits, [
      {
        kind: 'attempts',
        key: `reset:addr:${addressGroup(request.ip)}`,
        limit: RESET_THROTTLE.perAddress,
        windowSeconds: RESET_THROTTLE.windowSeconds,
      },
    ]);
    if (!byAddress.allowed) {
      reply.header('retry-after', String(byAddress.retryAfterSeconds));
      return requestForm(request, reply, {
        email: typed,
        status: 429,
        alert: 'Too many reset requests from your network. Please try again later.',
      });
    }
    const problem = emailProblem(typed);
    const email = problem ? null : canonicalEmail(typed);
    if (!email) {
      return requestForm(request, reply, {
        email: typed,
        status: 400,
        errors: oneError('email', `Email address ${problem ?? 'is not valid'}.`),
      });
    }
    // By e-mail only: a username that looks like someone's address must not match.
    const found = await stores.db.users.findByLogin(email);
    const user = found && found.email === email && found.status === 'active' ? found : null;
    const byAccount = await checkWindows(stores.cache.rateLimits, [
      {
        kind: 'attempts',
        key: user ? `reset:acct:u${user.id}` : `reset:acct:e${sha256Hex(email)}`,
        limit: RESET_THROTTLE.perAccount,
        windowSeconds: RESET_THROTTLE.windowSeconds,
      },
    ]);
    if (user) {
      // Not awaited: the link's write, the mail and the audit row happen after the answer,
      // so a known address answers as fast as an unknown one (SEC-64).
      const mailer = ctx.mailer;
      void (async () => {
        if (byAccount.allowed) {
          const link = await issueEmailLink(stores, {
            userId: user.id,
            email: user.email,
            purpose: 'reset_password',
            issuer: config.issuer,
          });
          sendInBackground(mailer, request, accountMail.reset(user.email, user.username, link));
        }
        await auditUserAction(stores, request, user.id, {
          type: 'password.reset_requested',
          data: { mailed: byAccount.allowed },
        });
      })().catch((error: unknown) => {
        request.log.error({ reason: (error as Error)?.message }, 'password reset link could not be issued');
      });
    }
    return page(reply, 'message.eta', {
      title: 'Check your inbox',
      alert: null,
      text: RESET_SENT_TEXT,
      link: { href: '/login', text: 'Back to sign in' },
    });
  });

  app.get('/reset-password', async (request, reply) => {
    const token = field(request.query, 'token') ?? '';
    if (!(await peekResetLink(stores, token))) return invalidLink(reply);
    return resetForm(request, reply, token);
  });

  app.post('/reset-password', { config: { csrf: 'pre-session' } }, async (request, reply) => {
    const token = field(request.body, 'token') ?? '';
    const password = field(request.body, 'password') ?? '';
    const problem = passwordProblem(password);
    if (problem) {
      if (!(await peekResetLink(stores, token))) return invalidLink(reply);
      return resetForm(request, reply, token, {
        status: 400,
        errors: oneError('password', `New password ${problem}.`),
      });
    }
    const user = await completePasswordReset(stores, token, await hashPassword(password));
    if (!user) return invalidLink(reply);
    await endSession(request, reply, { config, stores });
    await auditUserAction(stores, request, user.id, { type: 'password.reset_completed', data: {} });
    return page(reply, 'message.eta', {
      title: 'Password changed',
      alert: null,
      text: 'Your new password is set. You were signed out everywhere, and connected apps must sign you in again.',
      link: { href: '/login', text: 'Sign in' },
    });
  });
}
