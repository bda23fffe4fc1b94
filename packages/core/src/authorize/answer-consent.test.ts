import { describe, expect, it } from 'vitest';
import { ACCOUNT_LIMITS } from '../accounts/limits.js';
import { InvalidClientError } from '../errors.js';
import type { Client } from '../ports/index.js';
import { memoryAuthorizeStores, sampleClient } from '../testing/memory/authorize-stores.js';
import {
  answerConsent,
  type ConsentContext,
  type ConsentForm,
  consentAllowance,
  grantTrustedClient,
  openConsentRequest,
  pendingConsentKey,
  readConsentForm,
  takeConsentRequest,
} from './answer-consent.js';
import type { SignedInUser } from './issue-code.js';
import type { AuthorizationRequest } from './validate.js';

const USER: SignedInUser = { userId: 7, authTime: 1_800_000_000, sid: 'sid-7', amr: ['pwd'] };
const META = { ip: '203.0.113.5' };
const REQUEST_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

function world(clients: Client[] = [sampleClient()], options: { failAudit?: boolean } = {}) {
  const memory = memoryAuthorizeStores(clients, options);
  const auditFailures: string[] = [];
  const ctx: ConsentContext = {
    stores: memory.stores,
    config: { authCodeTtl: 60, issuer: 'https://id.example', quotaPerUnit: 100n },
    chargeLimitMax: 10_000n,
    reportAuditFailure: (_error, event) => auditFailures.push(event.type),
  };
  return { ...memory, ctx, auditFailures };
}

function authorization(scopes: string[], client = sampleClient()): AuthorizationRequest {
  return {
    client,
    redirectUri: 'https://app.example/cb',
    responseType: 'code',
    scopes,
    state: 'st',
    codeChallenge: null,
    prompt: { none: false, login: false, consent: false },
    autoAuthorize: false,
    openid: { nonce: 'n-1', maxAge: null, loginHint: null, uiLocales: null },
    chargeSuggestion: null,
  };
}

function form(overrides: Partial<ConsentForm> = {}): ConsentForm {
  return {
    requestId: REQUEST_ID,
    decision: 'approve',
    chargeLimit: undefined,
    chargePeriod: undefined,
    ...overrides,
  };
}

/** Opens a consent request the way the consent page does, and returns its id. */
async function opened(w: ReturnType<typeof world>, scopes: string[]): Promise<string> {
  const result = await openConsentRequest(w.ctx, USER, 'session-key', authorization(scopes));
  if (result.kind !== 'opened') throw new Error('not opened');
  return result.requestId;
}

describe('readConsentForm', () => {
  it('accepts only a well-formed request id and approve or deny', () => {
    const fields = {
      requestId: REQUEST_ID,
      decision: 'deny',
      chargeLimit: undefined,
      chargePeriod: undefined,
    };
    expect(readConsentForm(fields)).toMatchObject({ requestId: REQUEST_ID, decision: 'deny' });
    expect(readConsentForm({ ...fields, decision: 'maybe' })).toBeNull();
    expect(readConsentForm({ ...fields, requestId: 'short' })).toBeNull();
    expect(readConsentForm({ ...fields, requestId: undefined })).toBeNull();
  });
});

describe('openConsentRequest', () => {
  it('keeps the validated request for this user only, with its nonce', async () => {
    const w = world();
    const requestId = await opened(w, ['profile']);
    expect(w.pending.get(pendingConsentKey(USER.userId, requestId))).toEqual({
      userId: 7,
      clientId: 1,
      redirectUri: 'https://app.example/cb',
      scopes: ['profile'],
      state: 'st',
      codeChallenge: null,
      autoAuthorize: false,
      nonce: 'n-1',
    });
  });

  it('refuses a session more open requests than the limit (SEC-36)', async () => {
    const w = world();
    for (let i = 0; i < ACCOUNT_LIMITS.pendingConsentsPerSession; i++) await opened(w, ['profile']);
    const refused = await openConsentRequest(w.ctx, USER, 'session-key', authorization(['profile']));
    expect(refused).toEqual({ kind: 'too_many', retryAfterSeconds: 600 });
    expect(w.pending.size).toBe(ACCOUNT_LIMITS.pendingConsentsPerSession);
  });
});

describe('consentAllowance', () => {
  it('asks for none when denying, without charge, or when the grant has its allowance', async () => {
    const w = world();
    const charge = await opened(w, ['charge']);
    const profile = await opened(w, ['profile']);
    expect(await consentAllowance(w.ctx, 7, form({ requestId: charge, decision: 'deny' }))).toEqual({
      kind: 'ok',
      allowance: null,
    });
    expect(await consentAllowance(w.ctx, 7, form({ requestId: profile }))).toEqual({
      kind: 'ok',
      allowance: null,
    });
    await w.stores.db.grants.upsert(7, 1, ['charge'], { limit: 500n, period: 'month' });
    expect(await consentAllowance(w.ctx, 7, form({ requestId: charge, chargeLimit: 'junk' }))).toEqual({
      kind: 'ok',
      allowance: null,
    });
  });

  it('reads a first charge consent’s allowance, refusing a bad one without taking the request', async () => {
    const w = world();
    const requestId = await opened(w, ['charge']);
    const chosen = form({ requestId, chargeLimit: '5.00', chargePeriod: 'week' });
    expect(await consentAllowance(w.ctx, 7, chosen)).toEqual({
      kind: 'ok',
      allowance: { limit: 500n, period: 'week' },
    });
    expect(await consentAllowance(w.ctx, 7, { ...chosen, chargeLimit: '100.01' })).toEqual({
      kind: 'invalid',
      reason: 'above_max',
    });
    expect(await consentAllowance(w.ctx, 7, { ...chosen, chargePeriod: 'year' })).toEqual({
      kind: 'invalid',
      reason: 'period',
    });
    expect(w.pending.has(pendingConsentKey(7, requestId))).toBe(true);
  });
});

describe('takeConsentRequest', () => {
  it('hands a request out once, and only to the user it was shown to', async () => {
    const w = world();
    const requestId = await opened(w, ['profile']);
    expect(await takeConsentRequest(w.ctx, 8, requestId)).toBeNull();
    expect(await takeConsentRequest(w.ctx, 7, requestId)).toMatchObject({ client: { id: 1 } });
    expect(await takeConsentRequest(w.ctx, 7, requestId)).toBeNull();
  });

  it('refuses a client disabled or no longer registering the redirect URI meanwhile', async () => {
    for (const changed of [{ disabled: true }, { redirectUris: ['https://app.example/other'] }]) {
      const w = world([sampleClient(changed)]);
      const requestId = await opened(w, ['profile']);
      await expect(takeConsentRequest(w.ctx, 7, requestId)).rejects.toThrow(InvalidClientError);
    }
  });
});

describe('answerConsent', () => {
  it('approving records the consent with its first allowance and issues a code', async () => {
    const w = world();
    const taken = await takeConsentRequest(w.ctx, 7, await opened(w, ['profile', 'charge']));
    const allowance = { limit: 500n, period: 'week' as const };
    const url = new URL(await answerConsent(w.ctx, USER, taken!, 'approve', allowance, META));
    expect(url.searchParams.get('code')).toMatch(/^gth_ac_/);
    expect(url.searchParams.get('state')).toBe('st');
    expect(w.codes.size).toBe(1);
    expect(await w.stores.db.grants.find(7, 1)).toMatchObject({ scopes: ['profile', 'charge'], allowance });
    expect(w.audit).toEqual([
      {
        type: 'consent.granted',
        userId: 7,
        clientId: 'gh_app',
        actor: 'user:7',
        ip: META.ip,
        data: { scopes: ['profile', 'charge'], allowance: { limit: '500', period: 'week' } },
      },
    ]);
  });

  it('never replaces a stored allowance, and then records none', async () => {
    const w = world();
    await w.stores.db.grants.upsert(7, 1, ['charge'], { limit: 100n, period: 'day' });
    const taken = await takeConsentRequest(w.ctx, 7, await opened(w, ['charge']));
    await answerConsent(w.ctx, USER, taken!, 'approve', { limit: 900n, period: 'month' }, META);
    expect((await w.stores.db.grants.find(7, 1))?.allowance).toEqual({ limit: 100n, period: 'day' });
  });

  it('denying records the denial, stores no grant and no code, and answers access_denied', async () => {
    const w = world();
    const taken = await takeConsentRequest(w.ctx, 7, await opened(w, ['profile']));
    const url = new URL(await answerConsent(w.ctx, USER, taken!, 'deny', null, META));
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe('st');
    expect(url.searchParams.get('iss')).toBe('https://id.example');
    expect(await w.stores.db.grants.find(7, 1)).toBeNull();
    expect(w.codes.size).toBe(0);
    expect(w.audit.map((event) => [event.type, event.data])).toEqual([
      ['consent.denied', { scopes: ['profile'] }],
    ]);
  });
});

describe('the audit policy of a consent answer', () => {
  it('a denial whose audit write fails still answers, and the failure is reported', async () => {
    const w = world([sampleClient()], { failAudit: true });
    const taken = await takeConsentRequest(w.ctx, 7, await opened(w, ['profile']));
    const url = new URL(await answerConsent(w.ctx, USER, taken!, 'deny', null, META));
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(w.auditFailures).toEqual(['consent.denied']);
  });

  it('an approval whose audit write fails stores no consent and issues no code', async () => {
    const w = world([sampleClient()], { failAudit: true });
    const taken = await takeConsentRequest(w.ctx, 7, await opened(w, ['profile']));
    await expect(answerConsent(w.ctx, USER, taken!, 'approve', null, META)).rejects.toThrow();
    expect(await w.stores.db.grants.find(7, 1)).toBeNull();
    expect(w.codes.size).toBe(0);
    expect(w.auditFailures).toEqual([]);
  });
});

describe('grantTrustedClient', () => {
  it('records the automatic consent so the user sees and can revoke the app', async () => {
    const w = world();
    await grantTrustedClient(w.ctx, USER, sampleClient({ trusted: true }), ['profile'], META);
    expect((await w.stores.db.grants.find(7, 1))?.scopes).toEqual(['profile']);
    expect(w.audit.map((event) => [event.type, event.data])).toEqual([
      ['consent.granted', { scopes: ['profile'], automatic: 'trusted_client' }],
    ]);
  });
});
