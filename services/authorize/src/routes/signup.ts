import { DuplicateError, type Mailer } from '@gatehouse/core';
import { addressGroup, validateNewUser } from '@gatehouse/core/accounts';
import { hashPassword, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allowFormRedirectOfReturnTo } from '../browser/csp.js';
import { preSessionCsrfToken } from '../browser/csrf.js';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { DEFAULT_RETURN_TO, safeReturnTo } from '../browser/return-to.js';
import { startSession } from '../browser/session.js';
import { checkWindows } from '../browser/throttle.js';
import { sendVerificationLink } from '../mail/account-mail.js';
import { auditUserAction } from '../pages/audit.js';
import { type FieldErrors, fieldErrors } from '../pages/forms.js';

export const USERNAME_TAKEN = 'That username is taken. Choose another one.';
export const EMAIL_TAKEN = 'An account with that email address already exists. Sign in instead.';

/** Sign-ups per address and window: enough for a family or an office, not for a bot. */
export const SIGNUP_THROTTLE = { windowSeconds: 60 * 60, perAddress: 20 } as const;

const LABELS = { username: 'Username', email: 'Email address', password: 'Password' };

interface SignupValues {
  username: string;
  email: string;
}

/** GET/POST /signup (API.md §8): username, email, password (≥ 10 characters), `_csrf`. */
export async function signupRoutes(
  app: FastifyInstance,
  options: ServiceOptions & { mailer: Mailer | null },
): Promise<void> {
  const { config, stores } = options;

  const returnToOf = (request: FastifyRequest) =>
    safeReturnTo(field(request.query, 'return_to'), config.issuer);

  const signupForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: SignupValues; errors?: FieldErrors; alert?: string | null; status?: number } = {},
  ) => {
    const returnTo = returnToOf(request);
    await allowFormRedirectOfReturnTo(reply, config, stores, returnTo);
    const query = returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : '';
    return page(
      reply,
      'signup.eta',
      {
        title: 'Create an account',
        action: `/signup${query}`,
        loginHref: `/login${query}`,
        csrfToken: preSessionCsrfToken(request, reply, config),
        values: form.values ?? { username: '', email: '' },
        errors: form.errors ?? {},
        alert: form.alert ?? null,
      },
      form.status ?? 200,
    );
  };

  app.get('/signup', async (request, reply) => signupForm(request, reply));

  app.post('/signup', { config: { csrf: 'pre-session' } }, async (request, reply) => {
    const values = {
      username: (field(request.body, 'username') ?? '').trim(),
      email: (field(request.body, 'email') ?? '').trim(),
    };
    const password = field(request.body, 'password') ?? '';

    // Per address group, like login (SEC-34: an IPv6 /64 is one subscriber).
    const throttled = await checkWindows(stores.cache.rateLimits, [
      {
        kind: 'attempts',
        key: `signup:addr:${addressGroup(request.ip)}`,
        limit: SIGNUP_THROTTLE.perAddress,
        windowSeconds: SIGNUP_THROTTLE.windowSeconds,
      },
    ]);
    if (!throttled.allowed) {
      reply.header('retry-after', String(throttled.retryAfterSeconds));
      return signupForm(request, reply, {
        values,
        status: 429,
        alert: 'Too many accounts were created from your network recently. Please try again later.',
      });
    }

    const checked = validateNewUser({ ...values, password });
    if (!checked.ok) {
      return signupForm(request, reply, {
        values,
        status: 400,
        errors: fieldErrors(checked.problems, LABELS),
        alert: 'Please correct the fields marked below.',
      });
    }

    // Both checked up front so that both clashes are reported at once; the unique
    // constraints still decide when two sign-ups race (DuplicateError below).
    const taken: ('username' | 'email')[] = [];
    if (await stores.db.users.findByLogin(values.username)) taken.push('username');
    // The canonical address (SEC-35): every spelling of one mailbox is one account.
    const email = checked.value.email;
    if (await stores.db.users.findByLogin(email)) taken.push('email');
    const duplicateForm = (fields: ('username' | 'email')[]) =>
      signupForm(request, reply, {
        values,
        status: 409,
        errors: Object.fromEntries(fields.map((f) => [f, [f === 'username' ? USERNAME_TAKEN : EMAIL_TAKEN]])),
        alert: 'Please correct the fields marked below.',
      });
    if (taken.length > 0) return duplicateForm(taken);

    let user: Awaited<ReturnType<typeof stores.db.users.create>>;
    try {
      user = await stores.db.users.create({
        username: values.username,
        email,
        passwordHash: await hashPassword(password),
      });
    } catch (error) {
      if (error instanceof DuplicateError && (error.field === 'username' || error.field === 'email')) {
        return duplicateForm([error.field]);
      }
      throw error;
    }

    await startSession(request, reply, { config, stores, user });
    await auditUserAction(stores, request, user.id, {
      type: 'user.signed_up',
      data: { username: user.username },
    });
    // SEC-61: the address is unverified until the mailed link is followed.
    await sendVerificationLink(options, request, user);
    return reply.redirect(returnToOf(request) ?? DEFAULT_RETURN_TO, 303);
  });
}
