import {
  type Allowance,
  formatQuota,
  type Grant,
  isPublicClient,
  parseAmount,
  SCOPES,
  type Scope,
} from '@gatehouse/core';
import {
  type AuthorizationQuery,
  type AuthorizationRequest,
  answerConsent,
  type ConsentContext,
  type ConsentDecision,
  type ConsentForm,
  checkClient,
  checkRedirectUri,
  consentAllowance,
  decideConsent,
  echoableState,
  grantTrustedClient,
  issueCode,
  openConsentRequest,
  readAuthorizationRequest,
  readConsentForm,
  type SignedInUser,
  sessionSid,
  takeConsentRequest,
  validateAuthorizationParameters,
  withoutLoginPrompt,
} from '@gatehouse/core/authorize';
import { allowanceFormDefaults } from '@gatehouse/core/charges';
import { appAuditFailureReporter, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkSession } from '../browser/check-session.js';
import { allowFormRedirectTo } from '../browser/csp.js';
import { field } from '../browser/fields.js';
import { PageError } from '../browser/page-error.js';
import { page } from '../browser/render.js';
import { type BrowserSession, loginUrl, sessionAmr, signedIn } from '../browser/session.js';
import { money } from '../pages/format.js';

export const AUTHORIZE_PATH = '/api/oauth2/authorize';

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

/** The signed-in user as the core flows see them. */
function userOf(session: BrowserSession): SignedInUser {
  return {
    userId: session.userId,
    authTime: session.authTime,
    sid: sessionSid(session.key),
    amr: sessionAmr(session),
  };
}

function consentFormOf(body: unknown): ConsentForm {
  const form = readConsentForm({
    requestId: field(body, 'request_id'),
    decision: field(body, 'decision'),
    chargeLimit: field(body, 'charge_limit'),
    chargePeriod: field(body, 'charge_period'),
  });
  if (!form) {
    throw new PageError(
      400,
      'Invalid request',
      'The consent form was incomplete. Go back to the application and try again.',
    );
  }
  return form;
}

/**
 * GET (the authorization request, API.md §1) and POST (the consent form) of
 * /api/oauth2/authorize: each a list of core's named steps (see @gatehouse/core/authorize);
 * this file only adapts them to HTTP and renders the consent page.
 */
export async function authorizeRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const chargeLimitMax = parseAmount(config.chargeLimitMax, config.quotaPerUnit);
  const ctx: ConsentContext = {
    stores,
    config,
    chargeLimitMax,
    reportAuditFailure: appAuditFailureReporter(app),
  };

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
    const user = userOf(who.session);

    const grant = await stores.db.grants.find(user.userId, client.id);
    const decision = decideConsent({
      client,
      scopes: authorization.scopes,
      grant,
      prompt: authorization.prompt,
      autoAuthorize: authorization.autoAuthorize,
    });
    if (decision.kind === 'ask')
      return showConsent(request, reply, who.session, authorization, decision, grant);
    if (decision.reason === 'trusted_auto_authorize') {
      await grantTrustedClient(ctx, user, client, authorization.scopes, { ip: request.ip });
    }
    const code = { ...authorization, clientId: client.id, nonce: authorization.openid.nonce };
    return reply.redirect(await issueCode(stores.cache.codes, config, user, code), 302);
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
    const opened = await openConsentRequest(ctx, userOf(session), session.key, authorization);
    if (opened.kind === 'too_many') {
      reply.header('retry-after', String(opened.retryAfterSeconds));
      throw new PageError(
        429,
        'Too many open authorization requests',
        'This browser has opened too many consent pages recently. Finish or close them and try again in a few minutes.',
      );
    }
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
      requestId: opened.requestId,
      csrfToken: session.csrfToken,
    });
  };

  // The consent form (API.md §1 flow 3). CSRF and Origin are checked by the csrfProtection hook.
  app.post(AUTHORIZE_PATH, async (request, reply) => {
    const session = signedIn(request);
    const form = consentFormOf(request.body);
    const allowance = await consentAllowance(ctx, session.userId, form);
    if (allowance.kind === 'invalid') {
      const max = allowance.reason === 'above_max' ? ` The most is ${money(chargeLimitMax, config)}.` : '';
      throw new PageError(
        400,
        'Choose a spending allowance',
        `${ALLOWANCE_PROBLEMS[allowance.reason]}${max} Go back, correct it and allow access again.`,
      );
    }
    const taken = await takeConsentRequest(ctx, session.userId, form.requestId);
    if (!taken) {
      throw new PageError(
        400,
        'This request has expired',
        'This authorization request has expired or was already answered. Go back to the application and sign in again.',
      );
    }
    // From here on, errors are redirected to the client.
    request.authorizationResponse = { redirectUri: taken.pending.redirectUri, state: taken.pending.state };
    const meta = { ip: request.ip };
    return reply.redirect(
      await answerConsent(ctx, userOf(session), taken, form.decision, allowance.allowance, meta),
      303,
    );
  });
}
