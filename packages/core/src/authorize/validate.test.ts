import { describe, expect, it } from 'vitest';
import { InvalidRequestError, InvalidScopeError, UnsupportedResponseTypeError } from '../errors.js';
import { s256 } from '../oauth/pkce.js';
import type { Client } from '../ports/clients.js';
import { sampleClient } from '../testing/memory/authorize-stores.js';
import { readAuthorizationRequest } from './parameters.js';
import { validateAuthorizationParameters } from './validate.js';

const app: Client = sampleClient({
  id: 7,
  secretHash: 'a'.repeat(64),
  redirectUris: ['https://app.example.com/cb'],
  allowedScopes: ['profile', 'balance'],
});
const uri = app.redirectUris[0]!;
const challenge = s256('a'.repeat(43));
const base = { client_id: app.clientId, redirect_uri: uri, response_type: 'code', state: 's1' };

const validate = (query: Record<string, string | string[]>) =>
  validateAuthorizationParameters(readAuthorizationRequest(query), app, uri, { quotaPerUnit: 100n });

describe('validateAuthorizationParameters', () => {
  it('returns the validated request', () => {
    expect(
      validate({
        ...base,
        scope: 'balance profile',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        auto_authorize: 'true',
        prompt: 'consent',
      }),
    ).toEqual({
      client: app,
      redirectUri: uri,
      responseType: 'code',
      scopes: ['profile', 'balance'],
      state: 's1',
      codeChallenge: challenge,
      prompt: { none: false, login: false, consent: true },
      autoAuthorize: true,
      openid: { nonce: null, maxAge: null, loginHint: null, uiLocales: null },
      chargeSuggestion: null,
    });
  });

  it('reads the allowance suggestion of a charge request, after the scope step', () => {
    const charging = { ...app, allowedScopes: ['profile', 'charge'] };
    const request = validateAuthorizationParameters(
      readAuthorizationRequest({ ...base, scope: 'charge', charge_limit: '5.00', charge_period: 'day' }),
      charging,
      uri,
      { quotaPerUnit: 100n },
    );
    expect(request.chargeSuggestion).toEqual({ limit: 500n, period: 'day' });
    expect(() => validate({ ...base, scope: 'nope', charge_limit: 'x' })).toThrow(InvalidScopeError);
    expect(() => validate({ ...base, charge_limit: '5.00' })).toThrow(InvalidRequestError);
  });

  it('runs the steps in order: repeated parameters, response_type, scope, state, PKCE', () => {
    expect(() => validate({ ...base, response_type: 'token', scope: ['a', 'b'] })).toThrow(
      InvalidRequestError,
    );
    expect(() => validate({ ...base, response_type: 'token', scope: 'nope' })).toThrow(
      UnsupportedResponseTypeError,
    );
    expect(() => validate({ ...base, scope: 'nope', state: '' })).toThrow(InvalidScopeError);
    expect(() => validate({ ...base, state: '', code_challenge: challenge })).toThrow('no state');
    expect(() => validate({ ...base, code_challenge: challenge, code_challenge_method: 'plain' })).toThrow(
      'must be S256',
    );
  });

  it('accepts a request without state when it carries an S256 challenge (SEC-40)', () => {
    const { state: _omitted, ...withoutState } = base;
    const request = validate({ ...withoutState, code_challenge: challenge, code_challenge_method: 'S256' });
    expect(request.state).toBeNull();
    expect(() => validate(withoutState)).toThrow('no state');
  });
});
