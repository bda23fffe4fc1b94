import { describe, expect, it } from 'vitest';
import { ConsentRequiredError } from '../errors.js';
import type { Prompt } from './check-prompt.js';
import { type ConsentInput, decideConsent } from './decide-consent.js';

const noPrompt: Prompt = { none: false, login: false, consent: false };

function decide(overrides: Partial<ConsentInput>) {
  return decideConsent({
    client: { trusted: false },
    scopes: ['profile'],
    grant: null,
    prompt: noPrompt,
    autoAuthorize: false,
    ...overrides,
  });
}

describe('decideConsent', () => {
  it('asks a first-time user', () => {
    expect(decide({})).toEqual({
      kind: 'ask',
      reason: 'first_time',
      newScopes: ['profile'],
      previouslyGranted: [],
      chooseAllowance: false,
    });
  });

  it('skips when a remembered grant covers every requested scope', () => {
    expect(decide({ grant: { scopes: ['profile', 'balance'] } })).toEqual({
      kind: 'skip',
      reason: 'granted',
    });
  });

  it('asks again for a wider scope, naming only the new scopes', () => {
    expect(decide({ scopes: ['profile', 'balance'], grant: { scopes: ['profile'] } })).toEqual({
      kind: 'ask',
      reason: 'wider_scope',
      newScopes: ['balance'],
      previouslyGranted: ['profile'],
      chooseAllowance: false,
    });
  });

  it('does not let auto_authorize from an untrusted client skip consent', () => {
    expect(decide({ autoAuthorize: true }).kind).toBe('ask');
    expect(
      decide({ autoAuthorize: true, scopes: ['profile', 'balance'], grant: { scopes: ['profile'] } }).kind,
    ).toBe('ask');
  });

  it('skips for auto_authorize from an administrator-trusted client only', () => {
    expect(decide({ autoAuthorize: true, client: { trusted: true } })).toEqual({
      kind: 'skip',
      reason: 'trusted_auto_authorize',
    });
    expect(decide({ autoAuthorize: false, client: { trusted: true } }).kind).toBe('ask');
  });

  it('asks whenever prompt=consent, even with a covering grant or a trusted client', () => {
    const prompt = { ...noPrompt, consent: true };
    expect(decide({ prompt, grant: { scopes: ['profile'] } })).toMatchObject({
      kind: 'ask',
      reason: 'prompt_consent',
    });
    expect(decide({ prompt, autoAuthorize: true, client: { trusted: true } }).kind).toBe('ask');
  });

  it('turns a needed consent page into consent_required under prompt=none', () => {
    const prompt = { ...noPrompt, none: true };
    expect(() => decide({ prompt })).toThrow(ConsentRequiredError);
    expect(decide({ prompt, grant: { scopes: ['profile'] } }).kind).toBe('skip');
  });

  describe('the charge scope (SEC-85)', () => {
    const allowance = { limit: 500n, period: 'month' as const };
    const charge = ['charge', 'profile'];

    it('asks for an allowance the first time charge is granted', () => {
      expect(decide({ scopes: charge })).toMatchObject({
        kind: 'ask',
        reason: 'first_time',
        chooseAllowance: true,
      });
    });

    it('is not skipped by a remembered grant that covers charge but has no allowance', () => {
      expect(decide({ scopes: charge, grant: { scopes: charge, allowance: null } })).toEqual({
        kind: 'ask',
        reason: 'allowance_required',
        newScopes: [],
        previouslyGranted: charge,
        chooseAllowance: true,
      });
      expect(decide({ scopes: charge, grant: { scopes: charge } }).kind).toBe('ask');
    });

    it('is not skipped by auto_authorize from a trusted client', () => {
      const trusted = { client: { trusted: true }, autoAuthorize: true, scopes: charge };
      expect(decide(trusted)).toMatchObject({ kind: 'ask', reason: 'first_time', chooseAllowance: true });
      expect(decide({ ...trusted, grant: { scopes: ['profile'] } })).toMatchObject({
        kind: 'ask',
        reason: 'wider_scope',
        newScopes: ['charge'],
        chooseAllowance: true,
      });
    });

    it('skips as usual once the grant carries an allowance', () => {
      expect(decide({ scopes: charge, grant: { scopes: charge, allowance } })).toEqual({
        kind: 'skip',
        reason: 'granted',
      });
      expect(
        decide({
          scopes: charge,
          client: { trusted: true },
          autoAuthorize: true,
          grant: { scopes: ['profile'], allowance },
        }),
      ).toEqual({ kind: 'skip', reason: 'trusted_auto_authorize' });
    });

    it('asks only for the allowance under prompt=consent when one is stored', () => {
      expect(
        decide({
          scopes: charge,
          grant: { scopes: charge, allowance },
          prompt: { ...noPrompt, consent: true },
        }),
      ).toMatchObject({ kind: 'ask', reason: 'prompt_consent', chooseAllowance: false });
    });

    it('turns a missing allowance into consent_required under prompt=none', () => {
      const prompt = { ...noPrompt, none: true };
      expect(() => decide({ scopes: charge, grant: { scopes: charge }, prompt })).toThrow(
        ConsentRequiredError,
      );
      expect(() =>
        decide({ scopes: charge, client: { trusted: true }, autoAuthorize: true, prompt }),
      ).toThrow(ConsentRequiredError);
    });

    it('does not ask for an allowance when charge is not requested', () => {
      expect(decide({ scopes: ['profile'], grant: { scopes: charge } })).toEqual({
        kind: 'skip',
        reason: 'granted',
      });
    });
  });
});
