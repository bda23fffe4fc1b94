import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { s256 } from '../oauth/pkce.js';
import { checkPkce, isPublicClient } from './check-pkce.js';
import { readAuthorizationRequest } from './parameters.js';

const challenge = s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
const confidential = { tokenEndpointAuthMethod: 'client_secret_basic' } as const;
const publicClient = { tokenEndpointAuthMethod: 'none' } as const;

const check =
  (
    query: Record<string, string>,
    client: { tokenEndpointAuthMethod: 'none' | 'client_secret_basic' } = confidential,
  ) =>
  () =>
    checkPkce(readAuthorizationRequest(query), client);

describe('checkPkce', () => {
  it('accepts an S256 challenge', () => {
    expect(check({ code_challenge: challenge, code_challenge_method: 'S256' })()).toBe(challenge);
  });

  it('refuses plain and a challenge without a method', () => {
    expect(check({ code_challenge: challenge, code_challenge_method: 'plain' })).toThrow(InvalidRequestError);
    expect(check({ code_challenge: challenge })).toThrow(InvalidRequestError);
  });

  it('lets confidential clients omit PKCE', () => {
    expect(check({})()).toBeNull();
  });

  it('requires PKCE from public clients (token_endpoint_auth_method none, SEC-50)', () => {
    expect(isPublicClient(publicClient)).toBe(true);
    expect(isPublicClient(confidential)).toBe(false);
    expect(check({}, publicClient)).toThrow('must use PKCE');
    expect(check({ code_challenge: challenge, code_challenge_method: 'S256' }, publicClient)()).toBe(
      challenge,
    );
  });
});
