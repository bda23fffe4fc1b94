import { ACCOUNT_LIMITS } from '../accounts/limits.js';
import { type AuditEventInput, type AuditPayloads, actor, auditRow } from '../audit/events.js';
import { type AuditFailureReporter, auditRecorder } from '../audit/record.js';
import { type Allowance, type AllowanceForm, readAllowanceForm } from '../charges/allowance.js';
import type { Config } from '../config.js';
import { randomId } from '../crypto.js';
import { AccessDeniedError, InvalidClientError } from '../errors.js';
import { isPublicClient } from '../oauth/client-type.js';
import { isRegisteredRedirectUri } from '../oauth/redirect-uri.js';
import type {
  AuditStore,
  AuthorizationCodeStore,
  Client,
  ClientStore,
  ExpiringStore,
  GrantStore,
  PendingAuthorizationRequest,
  RateLimitStore,
} from '../ports/index.js';
import { type IssueCodeConfig, issueCode, type SignedInUser } from './issue-code.js';
import { errorRedirectUrl } from './response.js';
import type { AuthorizationRequest } from './validate.js';

/** The stores the browser's authorization flow runs against (a full `Stores` is one). */
export interface AuthorizeStores {
  db: {
    grants: Pick<GrantStore, 'find' | 'upsert'>;
    clients: Pick<ClientStore, 'findById'>;
    audit: Pick<AuditStore, 'append'>;
  };
  cache: {
    codes: Pick<AuthorizationCodeStore, 'put'>;
    pendingRequests: ExpiringStore<PendingAuthorizationRequest>;
    rateLimits: Pick<RateLimitStore, 'hit'>;
  };
}

/** What the consent steps run against: built once per process, shared by every request. */
export interface ConsentContext {
  stores: AuthorizeStores;
  config: IssueCodeConfig & Pick<Config, 'quotaPerUnit'>;
  /** The largest allowance one app may be given (CHARGE_LIMIT_MAX in quota). */
  chargeLimitMax: bigint;
  /** Where a denial's audit write, recorded after the fact, reports a failure. */
  reportAuditFailure: AuditFailureReporter;
}

/** Per-request facts the consent steps need from the transport. */
export interface ConsentMeta {
  /** Caller address, for the audit event. */
  ip: string | null;
}

/** The consent form as posted (API.md §1 flow 3). */
export interface ConsentForm {
  requestId: string;
  decision: 'approve' | 'deny';
  /** The allowance fields, present when the page asked for one (SEC-85). */
  chargeLimit: string | undefined;
  chargePeriod: string | undefined;
}

/** A pending request taken by its answer, with its client as it stands now. */
export interface TakenConsent {
  pending: PendingAuthorizationRequest;
  client: Client;
}

const REQUEST_ID = /^[A-Za-z0-9_-]{22}$/;

/** How long a consent page stays answerable. */
export const PENDING_REQUEST_TTL = 10 * 60;

/** Pending requests are keyed by user as well, so only the user they were shown to can take them. */
export function pendingConsentKey(userId: number, requestId: string): string {
  return `${userId}:${requestId}`;
}

/**
 * The consent page's request, kept for its answer (PENDING_REQUEST_TTL). SEC-36: a session may
 * hold only so many open consent requests, so a script with one session cannot fill the cache.
 * `sessionKey` names the browser session the limit counts for.
 */
export async function openConsentRequest(
  ctx: ConsentContext,
  user: SignedInUser,
  sessionKey: string,
  authorization: AuthorizationRequest,
): Promise<{ kind: 'opened'; requestId: string } | { kind: 'too_many'; retryAfterSeconds: number }> {
  const { stores } = ctx;
  const opened = await stores.cache.rateLimits.hit(`consent:pending:${sessionKey}`, PENDING_REQUEST_TTL);
  if (opened.count > ACCOUNT_LIMITS.pendingConsentsPerSession) {
    return { kind: 'too_many', retryAfterSeconds: Math.max(1, opened.retryAfterSeconds) };
  }
  const requestId = randomId();
  await stores.cache.pendingRequests.put(
    pendingConsentKey(user.userId, requestId),
    {
      userId: user.userId,
      clientId: authorization.client.id,
      redirectUri: authorization.redirectUri,
      scopes: authorization.scopes,
      state: authorization.state,
      codeChallenge: authorization.codeChallenge,
      autoAuthorize: authorization.autoAuthorize,
      nonce: authorization.openid.nonce,
    },
    PENDING_REQUEST_TTL,
  );
  return { kind: 'opened', requestId };
}

/** The form's fields, or null when it is incomplete or not one this server rendered. */
export function readConsentForm(fields: {
  requestId: string | undefined;
  decision: string | undefined;
  chargeLimit: string | undefined;
  chargePeriod: string | undefined;
}): ConsentForm | null {
  const { requestId, decision } = fields;
  if (!requestId || !REQUEST_ID.test(requestId) || (decision !== 'approve' && decision !== 'deny')) {
    return null;
  }
  return { requestId, decision, chargeLimit: fields.chargeLimit, chargePeriod: fields.chargePeriod };
}

/**
 * SEC-85/SEC-88: the allowance a first `charge` consent carries. Read before the request is
 * taken (a peek), so a bad choice is refused while going back to the page still works. None
 * when denying, when `charge` is not asked, or when the grant already has its allowance.
 */
export async function consentAllowance(
  ctx: ConsentContext,
  userId: number,
  form: ConsentForm,
): Promise<{ kind: 'ok'; allowance: Allowance | null } | Extract<AllowanceForm, { kind: 'invalid' }>> {
  if (form.decision !== 'approve') return { kind: 'ok', allowance: null };
  const { stores } = ctx;
  const peeked = await stores.cache.pendingRequests.get(pendingConsentKey(userId, form.requestId));
  if (!peeked?.scopes.includes('charge')) return { kind: 'ok', allowance: null };
  const grant = await stores.db.grants.find(userId, peeked.clientId);
  if (grant?.allowance) return { kind: 'ok', allowance: null };
  const choice = readAllowanceForm(
    { limit: form.chargeLimit, period: form.chargePeriod },
    ctx.config.quotaPerUnit,
    ctx.chargeLimitMax,
  );
  return choice.kind === 'ok' ? { kind: 'ok', allowance: choice.allowance } : choice;
}

/**
 * Takes the pending request the form answers — atomic: of two submissions of one form, exactly
 * one gets it — and re-checks its client: disabled or no longer registering the redirect URI
 * means no answer reaches it. Null when expired, already answered, or another user's.
 */
export async function takeConsentRequest(
  ctx: ConsentContext,
  userId: number,
  requestId: string,
): Promise<TakenConsent | null> {
  const { stores } = ctx;
  const pending = await stores.cache.pendingRequests.take(pendingConsentKey(userId, requestId));
  if (!pending || pending.userId !== userId) return null;
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
  return { pending, client };
}

/**
 * The user's answer, recorded and turned into the redirect to the client: a denial is an
 * `access_denied` error response; an approval stores the consent and its first allowance in one
 * statement (a stored allowance is never replaced, SEC-88) and issues the code.
 */
export async function answerConsent(
  ctx: ConsentContext,
  user: SignedInUser,
  taken: TakenConsent,
  decision: ConsentForm['decision'],
  allowance: Allowance | null,
  meta: ConsentMeta,
): Promise<string> {
  const { stores, config } = ctx;
  const { pending, client } = taken;
  if (decision === 'deny') {
    // Nothing durable changed (the pending request is gone from the cache): recorded after.
    const denied = consentEvent(user, client, meta, 'consent.denied', { scopes: pending.scopes });
    await auditRecorder(stores.db.audit, ctx.reportAuditFailure).record(denied);
    const error = new AccessDeniedError('the user denied the request');
    return errorRedirectUrl(pending.redirectUri, error, pending.state, config.issuer);
  }
  // The consent and its record: one transaction.
  await stores.db.grants.upsert(user.userId, client.id, pending.scopes, allowance, (granted) =>
    auditRow(
      consentEvent(user, client, meta, 'consent.granted', {
        scopes: pending.scopes,
        ...(granted.allowance && allowance
          ? { allowance: { limit: String(granted.allowance.limit), period: granted.allowance.period } }
          : {}),
      }),
    ),
  );
  return issueCode(stores.cache.codes, config, user, { ...pending, nonce: pending.nonce ?? null });
}

/**
 * SEC-06: `auto_authorize` from a trusted client skips the page, but the consent is still
 * recorded, so the user sees (and can revoke) the app among their connected apps.
 */
export async function grantTrustedClient(
  ctx: ConsentContext,
  user: SignedInUser,
  client: Client,
  scopes: string[],
  meta: ConsentMeta,
): Promise<void> {
  const event = consentEvent(user, client, meta, 'consent.granted', { scopes, automatic: 'trusted_client' });
  await ctx.stores.db.grants.upsert(user.userId, client.id, scopes, null, () => auditRow(event));
}

function consentEvent<T extends 'consent.granted' | 'consent.denied'>(
  user: SignedInUser,
  client: Client,
  meta: ConsentMeta,
  type: T,
  data: AuditPayloads[T],
): AuditEventInput {
  return {
    type,
    userId: user.userId,
    clientId: client.clientId,
    actor: actor.user(user.userId),
    ip: meta.ip,
    data,
  } as AuditEventInput;
}
