/**
 * Passkeys (SEC-70): adding and removing them on the account page, the WebAuthn browser bundle,
 * and the assertion check the sign-in pages use (alone, or as the second factor). One file
 * because all of them share the challenge handling; the decisions are core's
 * (`accounts/passkeys.ts`).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type Config,
  DuplicateError,
  type Passkey,
  randomToken,
  type Stores,
  sha256Hex,
  type User,
} from '@gatehouse/core';
import {
  MAX_PASSKEYS_PER_USER,
  PASSKEY_CHALLENGE_TTL_SECONDS,
  passkeyNameProblem,
  relyingParty,
} from '@gatehouse/core/accounts';
import type { ServiceOptions } from '@gatehouse/service-kit';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookieName, cookieOptions } from '../browser/cookies.js';
import { allowOwnScripts } from '../browser/csp.js';
import { preSessionCsrfToken } from '../browser/csrf.js';
import { field } from '../browser/fields.js';
import { PageError } from '../browser/page-error.js';
import { page } from '../browser/render.js';
import { requireSession, signedIn } from '../browser/session.js';
import { auditUserAction } from '../pages/audit.js';
import { idParam } from '../pages/forms.js';
import { notChanged } from './account-two-factor.js';
import { currentPasswordRefused } from './current-password.js';
import type { SecondFactorContext } from './login-second-factor.js';

/** The SimpleWebAuthn browser bundle, served from our origin (the pages allow only 'self' scripts). */
export const WEBAUTHN_BUNDLE_PATH = '/assets/simplewebauthn-browser.js';

/** A WebAuthn response posted back by passkeys.js: JSON, a few kilobytes at most. */
const MAX_RESPONSE_LENGTH = 16_384;

function parseResponse<T>(request: FastifyRequest): T | null {
  const raw = field(request.body, 'response');
  if (!raw || raw.length > MAX_RESPONSE_LENGTH) return null;
  try {
    const value = JSON.parse(raw) as unknown;
    return value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string'
      ? (value as T)
      : null;
  } catch {
    return null;
  }
}

const toBase64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const fromBase64url = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));

/** `GET /assets/simplewebauthn-browser.js`: the bundle of the installed @simplewebauthn/browser. */
export async function webauthnBundleRoute(app: FastifyInstance, options: { config: Config }): Promise<void> {
  const require = createRequire(import.meta.url);
  // The package exports only its entry points; the bundle sits beside them.
  const root = dirname(dirname(require.resolve('@simplewebauthn/browser')));
  const bundle = await readFile(join(root, 'dist', 'bundle', 'index.umd.min.js'));
  app.get(WEBAUTHN_BUNDLE_PATH, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', options.config.env === 'production' ? 'public, max-age=86400' : 'no-cache')
      .send(bundle),
  );
}

/** What the passkeys section of /account shows. */
export async function passkeysView(stores: Stores, user: User) {
  const passkeys = await stores.db.passkeys.listByUser(user.id);
  return {
    passkeys: passkeys.map((p) => ({
      id: p.id,
      name: p.name,
      created: p.createdAt.toISOString().slice(0, 10),
      lastUsed: p.lastUsedAt ? p.lastUsedAt.toISOString().slice(0, 10) : null,
    })),
  };
}

/**
 * `/account/passkeys/*` (API.md §8): add a passkey (current password → the browser creates
 * the credential → verified and stored) and remove one (current password). SEC-69.
 */
export async function accountPasskeyRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const rp = relyingParty(config.issuer);
  const challengeKey = (sessionKey: string) => `register:${sessionKey}`;

  app.post('/account/passkeys/new', { preHandler: requireSession }, async (request, reply) => {
    const session = signedIn(request);
    const { user } = session;
    const name = (field(request.body, 'name') ?? '').trim();
    const problem = passkeyNameProblem(name);
    if (problem) return notChanged(reply, 400, `The passkey name ${problem}.`);
    const refused = await currentPasswordRefused(stores, request, reply, user);
    if (refused) return notChanged(reply, refused.status, refused.alert);
    const existing = await stores.db.passkeys.listByUser(user.id);
    if (existing.length >= MAX_PASSKEYS_PER_USER) {
      return notChanged(reply, 409, `You already have ${MAX_PASSKEYS_PER_USER} passkeys. Remove one first.`);
    }
    const creation = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.rpId,
      userName: user.username,
      userDisplayName: user.username,
      userID: new TextEncoder().encode(`gatehouse:${user.id}`),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    await stores.cache.webauthnChallenges.put(
      challengeKey(session.key),
      { challenge: creation.challenge, purpose: 'register', userId: user.id, name },
      PASSKEY_CHALLENGE_TTL_SECONDS,
    );
    await allowOwnScripts(reply, config, stores);
    return page(reply, 'passkey-register.eta', {
      title: 'Add a passkey',
      nav: 'account',
      csrfToken: session.csrfToken,
      name,
      options: JSON.stringify(creation),
    });
  });

  app.post('/account/passkeys', { preHandler: requireSession }, async (request, reply) => {
    const session = signedIn(request);
    const { user } = session;
    const challenge = await stores.cache.webauthnChallenges.take(challengeKey(session.key));
    const response = parseResponse<RegistrationResponseJSON>(request);
    if (challenge?.purpose !== 'register' || challenge.userId !== user.id || !response) {
      return notChanged(reply, 400, 'This passkey setup has expired. Start again from your account.');
    }
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        requireUserVerification: true,
      });
    } catch {
      verified = { verified: false };
    }
    if (!verified.verified) return notChanged(reply, 400, 'The passkey could not be verified. Try again.');
    const { credential } = verified.registrationInfo;
    let stored: Passkey;
    try {
      stored = await stores.db.passkeys.add(
        {
          userId: user.id,
          credentialId: credential.id,
          publicKey: toBase64url(credential.publicKey),
          counter: credential.counter,
          transports: credential.transports ?? [],
          name: challenge.name ?? 'Passkey',
        },
        new Date(),
      );
    } catch (error) {
      if (!(error instanceof DuplicateError)) throw error;
      return notChanged(reply, 409, 'This passkey is registered already.');
    }
    await auditUserAction(stores, request, user.id, {
      type: 'passkey.added',
      data: { passkey_id: stored.id, name: stored.name },
    });
    return reply.redirect('/account?notice=passkey-added#two-factor', 303);
  });

  app.post('/account/passkeys/:id/remove', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const id = idParam(
      request.params,
      'id',
      () => new PageError(404, 'Passkey not found', 'You have no passkey with this id.'),
    );
    const refused = await currentPasswordRefused(stores, request, reply, user);
    if (refused) return notChanged(reply, refused.status, refused.alert);
    if (!(await stores.db.passkeys.remove(user.id, id))) {
      throw new PageError(404, 'Passkey not found', 'You have no passkey with this id.');
    }
    await auditUserAction(stores, request, user.id, { type: 'passkey.removed', data: { passkey_id: id } });
    return reply.redirect('/account?notice=passkey-removed#two-factor', 303);
  });
}

/** The outcome of checking a passkey assertion against a stored challenge. */
export type PasskeyCheck = { ok: true; passkey: Passkey } | { ok: false };

/**
 * Verifies an assertion (user verification required) for the challenge stored under `key`,
 * taken once, and records the use only when the signature counter rose (SEC-72).
 * With `userId`, the passkey must be that user's.
 */
export async function checkPasskeyAssertion(
  stores: Stores,
  config: Pick<Config, 'issuer'>,
  key: string,
  request: FastifyRequest,
  userId: number | null,
): Promise<PasskeyCheck> {
  const rp = relyingParty(config.issuer);
  const challenge = await stores.cache.webauthnChallenges.take(key);
  const response = parseResponse<AuthenticationResponseJSON>(request);
  if (challenge?.purpose !== 'authenticate' || challenge.userId !== userId || !response) {
    return { ok: false };
  }
  const passkey = await stores.db.passkeys.findByCredentialId(response.id);
  if (!passkey || (userId !== null && passkey.userId !== userId)) return { ok: false };
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpId,
      requireUserVerification: true,
      credential: {
        id: passkey.credentialId,
        publicKey: fromBase64url(passkey.publicKey),
        counter: passkey.counter,
        transports: passkey.transports,
      },
    });
    if (!result.verified) return { ok: false };
    const used = await stores.db.passkeys.recordUse(
      passkey.credentialId,
      result.authenticationInfo.newCounter,
      new Date(),
    );
    return used ? { ok: true, passkey } : { ok: false };
  } catch {
    return { ok: false };
  }
}

/** New authentication options, their challenge stored under `key` for one answer. */
export async function passkeyRequestOptions(
  stores: Stores,
  config: Pick<Config, 'issuer'>,
  key: string,
  userId: number | null,
  allow: readonly Passkey[] = [],
): Promise<string> {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(config.issuer).rpId,
    userVerification: 'required',
    allowCredentials: allow.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
  await stores.cache.webauthnChallenges.put(
    key,
    { challenge: options.challenge, purpose: 'authenticate', userId },
    PASSKEY_CHALLENGE_TTL_SECONDS,
  );
  return JSON.stringify(options);
}

/**
 * `GET/POST /login/passkey` (API.md §8): passwordless sign-in with a discoverable passkey.
 * The challenge is bound to this browser by a random HttpOnly cookie (like the pending
 * sign-in of SEC-70) and answered once.
 */
export function passkeyLoginRoutes(app: FastifyInstance, ctx: SecondFactorContext): void {
  const { config, stores } = ctx;
  const cookie = cookieName(config, 'gh_passkey');
  const keyOf = (request: FastifyRequest) => {
    const value = request.cookies[cookie];
    return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? `login:${sha256Hex(value)}` : null;
  };

  const loginPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    error: string | null,
    status = 200,
  ) => {
    const value = randomToken('');
    reply.setCookie(cookie, value, cookieOptions(config, PASSKEY_CHALLENGE_TTL_SECONDS));
    const options = await passkeyRequestOptions(stores, config, `login:${sha256Hex(value)}`, null);
    await allowOwnScripts(reply, config, stores, ctx.returnTo(request));
    return { options, csrfToken: preSessionCsrfToken(request, reply, config), error, status };
  };
  const render = (
    request: FastifyRequest,
    reply: FastifyReply,
    view: Awaited<ReturnType<typeof loginPage>>,
  ) =>
    page(
      reply,
      'login-passkey.eta',
      {
        title: 'Sign in with a passkey',
        action: ctx.actionFor(request, '/login/passkey'),
        passwordLogin: ctx.actionFor(request, '/login'),
        csrfToken: view.csrfToken,
        options: view.options,
        error: view.error,
      },
      view.status,
    );

  app.get('/login/passkey', async (request, reply) =>
    render(request, reply, await loginPage(request, reply, null)),
  );

  app.post('/login/passkey', { config: { csrf: 'pre-session' } }, async (request, reply) => {
    const key = keyOf(request);
    const check = key
      ? await checkPasskeyAssertion(stores, config, key, request, null)
      : { ok: false as const };
    const user = check.ok ? await stores.db.users.findById(check.passkey.userId) : null;
    if (!check.ok || !user || user.status !== 'active') {
      await ctx.audit(request, user, 'login.failed', { reason: user ? 'disabled' : 'passkey_not_verified' });
      const view = await loginPage(
        request,
        reply,
        'That passkey could not be used to sign in. Try again, or use your password.',
        400,
      );
      return render(request, reply, view);
    }
    reply.clearCookie(cookie, cookieOptions(config));
    return ctx.complete(request, reply, {
      user,
      amr: ['hwk', 'mfa'],
      recognisedDevice: false,
      delayMs: 0,
      secondFactor: 'passkey',
    });
  });
}
