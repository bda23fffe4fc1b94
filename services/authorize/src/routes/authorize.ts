import {
  AccessDeniedError,
  type Allowance,
  type Client,
  formatQuota,
  type Grant,
  InvalidClientError,
  isPublicClient,
  isRegisteredRedirectUri,
  parseAmount,
  randomId,
  SCOPES,
  type Scope,
  type Stores,
} from '@gatehouse/core';
import { ACCOUNT_LIMITS } from '@gatehouse/core/accounts';
import {
  type AuthorizationQuery,
  type AuthorizationRequest,
  type ConsentDecision,
  checkClient,
  checkRedirectUri,
  decideConsent,
  echoableState,
  errorRedirectUrl,
  readAuthorizationRequest,
  successRedirectUrl,
  validateAuthorizationParameters,
  withoutLoginPrompt,
} from '@gatehouse/core/authorize';
import { allowanceFormDefaults, readAllowanceForm } from '@gatehouse/core/charges';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkSession } from '../authorize/check-session.js';
import { issueAuthorizationCode, sessionSid } from '../authorize/codes.js';
import { allowFormRedirectTo } from '../browser/csp.js';
import { field } from '../browser/fields.js';
import { PageError } from '../browser/page-error.js';
import { page } from '../browser/render.js';
import { type BrowserSession, loginUrl, sessionAmr, signedIn } from '../browser/session.js';
import { money } from '../pages/format.js';

export const AUTHORIZE_PATH = '/api/oauth2/authorize';

/** How long a consent page stays answerable. */
export const PENDING_REQUEST_TTL = 10 * 60;

const REQUEST_ID = /^[A-Za-z0-9_-]{22}$/;

/** Pending requests are keyed by user as well, so only the user they were shown to can take them. */
function pendingKey(userId: number, requestId: string): string {
  return `${userId}:${requestId}`;
}

/**
 * The authorize URL to come back to after login, as a relative path, without `prompt=login`
 * and without `max_age`: the sign-in just made satisfies both, and keeping them would ask again
 * forever (`auth_time` in the ID token lets the client check).
 */
function returnToAuthorize(query: AuthorizationQuery, request: AuthorizationRequest): string {
  const params: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string' || name === 'max_age') continue;
    const kept = name === 'prompt' ? withoutLoginPrompt(request.prompt) : value;
    if (kept !== undefined) params.push(`${encodeURIComponent(name)}=${encodeURIComponent(kept)}`);
  }
  return `${AUTHORIZE_PATH}?${params.join('&')}`;
}

function scopeList(scopes: readonly string[]): { name: string; text: string }[] {
  return scopes.map((name) => ({ name, text: SCOPES[name as Scope] ?? name }));
}

function httpUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

const PERIOD_WORDS = { day: 'per day', week: 'per week', month: 'per month', total: 'in total' } as const;

const ALLOWANCE_PROBLEMS = {
  limit_format: 'Enter the allowance as an amount such as 5.00 (at most two decimal places).',
  not_positive: 'The allowance must be more than zero.',
  above_max: 'The allowance is above the most this platform allows one app.',
  period: 'Choose how often the allowance resets.',
} as const;

/** GET (the authorization request, API.md §1) and POST (the consent form) of /api/oauth2/authorize. */
export async function authorizeRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const chargeLimitMax = parseAmount(config.chargeLimitMax, config.quotaPerUnit);

  /** What the consent page says about spending (SEC-85): a form for a first allowance, else the stored one. */
  const allowanceView = (
    authorization: AuthorizationRequest,
    grant: Grant | null,
    chooseAllowance: boolean,
  ) => {
    if (!authorization.scopes.includes('charge')) return null;
    if (!chooseAllowance && grant?.allowance) {
      return { choose: false, stored: describeAllowance(grant.allowance) };
    }
    const defaults = allowanceFormDefaults(authorization.chargeSuggestion, chargeLimitMax);
    return {
      choose: true,
      limit: defaults.limit === null ? '' : formatQuota(defaults.limit, config.quotaPerUnit),
      period: defaults.period,
      suggested: authorization.chargeSuggestion?.limit != null,
      max: formatQuota(chargeLimitMax, config.quotaPerUnit),
      currency: config.currency,
      periods: Object.entries(PERIOD_WORDS).map(([value, text]) => ({ value, text })),
    };
  };

  const describeAllowance = (allowance: Allowance) =>
    `${money(allowance.limit, config)} ${PERIOD_WORDS[allowance.period]}`;

  const issueCode = async (
    reply: FastifyReply,
    session: BrowserSession,
    grant: {
      client: Client;
      redirectUri: string;
      scopes: string[];
      state: string | null;
      codeChallenge: string | null;
      nonce: string | null;
    },
    status: 302 | 303,
  ) => {
    const code = await issueAuthorizationCode(stores, config, {
      clientId: grant.client.id,
      userId: session.userId,
      redirectUri: grant.redirectUri,
      scopes: grant.scopes,
      codeChallenge: grant.codeChallenge,
      authTime: session.authTime,
      nonce: grant.nonce,
      sid: sessionSid(session.key),
      amr: sessionAmr(session),
    });
    return reply.redirect(successRedirectUrl(grant.redirectUri, code, grant.state, config.issuer), status);
  };

  app.get(AUTHORIZE_PATH, async (request, reply) => {
    const query = (request.query ?? {}) as AuthorizationQuery;
    const raw = readAuthorizationRequest(query);

    // Steps 1–2: failures here are pages, never redirects.
    const client = await checkClient(raw, (id) => stores.db.clients.findByClientId(id));
    const redirectUri = checkRedirectUri(raw, client);
    request.authorizationResponse = { redirectUri, state: echoableState(raw) };

    // Steps 3–7: failures are redirected to the client by the error handler.
    const authorization = validateAuthorizationParameters(raw, client, redirectUri, config);
    const who = checkSession(request.session, authorization.prompt, authorization.openid.maxAge);
    if (who.kind === 'login') return reply.redirect(loginUrl(returnToAuthorize(query, authorization)), 302);
    const { session } = who;

    const grant = await stores.db.grants.find(session.userId, client.id);
    const decision = decideConsent({
      client,
      scopes: authorization.scopes,
      grant,
      prompt: authorization.prompt,
      autoAuthorize: authorization.autoAuthorize,
    });

    if (decision.kind === 'skip') {
      if (decision.reason === 'trusted_auto_authorize') {
        // Recorded so the user sees (and can revoke) the app among their connected apps.
        await stores.db.grants.upsert(session.userId, client.id, authorization.scopes);
        await audit(stores, request, session, client, 'consent.granted', {
          scopes: authorization.scopes,
          automatic: 'trusted_client',
        });
      }
      return issueCode(reply, session, { ...authorization, nonce: authorization.openid.nonce }, 302);
    }
    return showConsent(request, reply, session, authorization, decision, grant);
  });

  const showConsent = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: BrowserSession,
    authorization: AuthorizationRequest,
    decision: Extract<ConsentDecision, { kind: 'ask' }>,
    grant: Grant | null,
  ) => {
    const { client } = authorization;
    // SEC-36: a session may hold only so many open consent requests (each lives
    // PENDING_REQUEST_TTL): a script with one session cannot fill the cache with them.
    const opened = await stores.cache.rateLimits.hit(`consent:pending:${session.key}`, PENDING_REQUEST_TTL);
    if (opened.count > ACCOUNT_LIMITS.pendingConsentsPerSession) {
      reply.header('retry-after', String(Math.max(1, opened.retryAfterSeconds)));
      throw new PageError(
        429,
        'Too many open authorization requests',
        'This browser has opened too many consent pages recently. Finish or close them and try again in a few minutes.',
      );
    }
    const requestId = randomId();
    await stores.cache.pendingRequests.put(
      pendingKey(session.userId, requestId),
      {
        userId: session.userId,
        clientId: client.id,
        redirectUri: authorization.redirectUri,
        scopes: authorization.scopes,
        state: authorization.state,
        codeChallenge: authorization.codeChallenge,
        autoAuthorize: authorization.autoAuthorize,
        nonce: authorization.openid.nonce,
      },
      PENDING_REQUEST_TTL,
    );
    const owner = client.ownerUserId === null ? null : await stores.db.users.findById(client.ownerUserId);
    request.log.debug({ clientId: client.clientId, reason: decision.reason }, 'consent page shown');
    // The consent form's answer is a redirect to the application (SEC-37).
    allowFormRedirectTo(reply, config, authorization.redirectUri);
    return page(reply, 'consent.eta', {
      title: `Authorize ${client.name}`,
      client: {
        name: client.name,
        description: client.description,
        homepage: httpUrl(client.homepageUrl),
        owner: owner?.username ?? null,
      },
      // A private-use scheme (com.example.app:/cb) has no host: the scheme names the app.
      redirectHost: new URL(authorization.redirectUri).host || new URL(authorization.redirectUri).protocol,
      redirectProtocol: new URL(authorization.redirectUri).protocol,
      publicClient: isPublicClient(client),
      scopes: scopeList(authorization.scopes).map((s) => ({
        ...s,
        isNew: decision.newScopes.includes(s.name),
      })),
      previouslyGranted: scopeList(decision.previouslyGranted),
      reason: decision.reason,
      autoAuthorize: authorization.autoAuthorize,
      allowance: allowanceView(authorization, grant, decision.chooseAllowance),
      requestId,
      csrfToken: session.csrfToken,
    });
  };

  // The consent form (API.md §1 flow 3). CSRF and Origin are checked by the csrfProtection hook.
  app.post(AUTHORIZE_PATH, async (request, reply) => {
    const session = signedIn(request);
    const requestId = field(request.body, 'request_id');
    const decision = field(request.body, 'decision');
    if (!requestId || !REQUEST_ID.test(requestId) || (decision !== 'approve' && decision !== 'deny')) {
      throw new PageError(
        400,
        'Invalid request',
        'The consent form was incomplete. Go back to the application and try again.',
      );
    }

    // SEC-85/SEC-88: a first `charge` consent carries the allowance the user chose. A bad choice
    // is refused before the request is taken, so going back to the page still works.
    let allowance: Allowance | null = null;
    if (decision === 'approve') {
      const peeked = await stores.cache.pendingRequests.get(pendingKey(session.userId, requestId));
      if (peeked?.scopes.includes('charge')) {
        const grant = await stores.db.grants.find(session.userId, peeked.clientId);
        if (!grant?.allowance) {
          const choice = readAllowanceForm(
            { limit: field(request.body, 'charge_limit'), period: field(request.body, 'charge_period') },
            config.quotaPerUnit,
            chargeLimitMax,
          );
          if (choice.kind === 'invalid') {
            const max = choice.reason === 'above_max' ? ` The most is ${money(chargeLimitMax, config)}.` : '';
            throw new PageError(
              400,
              'Choose a spending allowance',
              `${ALLOWANCE_PROBLEMS[choice.reason]}${max} Go back, correct it and allow access again.`,
            );
          }
          allowance = choice.allowance;
        }
      }
    }

    // Atomic: of two submissions of one form, exactly one gets the request.
    const pending = await stores.cache.pendingRequests.take(pendingKey(session.userId, requestId));
    if (!pending || pending.userId !== session.userId) {
      throw new PageError(
        400,
        'This request has expired',
        'This authorization request has expired or was already answered. Go back to the application and sign in again.',
      );
    }
    const client = await stores.db.clients.findById(pending.clientId);
    if (!client || client.disabled) throw new InvalidClientError('this application is no longer available');
    if (
      !isRegisteredRedirectUri(pending.redirectUri, client.redirectUris, {
        publicClient: isPublicClient(client),
      })
    ) {
      throw new InvalidClientError(
        'this application changed its redirect addresses; start again from the application',
      );
    }
    request.authorizationResponse = { redirectUri: pending.redirectUri, state: pending.state };

    if (decision === 'deny') {
      await audit(stores, request, session, client, 'consent.denied', { scopes: pending.scopes });
      const denied = new AccessDeniedError('the user denied the request');
      return reply.redirect(errorRedirectUrl(pending.redirectUri, denied, pending.state, config.issuer), 303);
    }

    // One statement: the consent and its first allowance (a stored allowance is never replaced).
    const granted = await stores.db.grants.upsert(session.userId, client.id, pending.scopes, allowance);
    await audit(stores, request, session, client, 'consent.granted', {
      scopes: pending.scopes,
      ...(granted.allowance && allowance
        ? { allowance: { limit: String(granted.allowance.limit), period: granted.allowance.period } }
        : {}),
    });
    return issueCode(reply, session, { ...pending, client, nonce: pending.nonce ?? null }, 303);
  });
}

async function audit(
  stores: Stores,
  request: FastifyRequest,
  session: BrowserSession,
  client: Client,
  type: 'consent.granted' | 'consent.denied',
  data: Record<string, unknown>,
): Promise<void> {
  await stores.db.audit.append({
    type,
    userId: session.userId,
    clientId: client.clientId,
    actor: `user:${session.userId}`,
    ip: request.ip,
    data,
  });
}
