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
});
