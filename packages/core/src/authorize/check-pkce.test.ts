import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { s256 } from '../oauth/pkce.js';
import { checkPkce, isPublicClient } from './check-pkce.js';
import { readAuthorizationRequest } from './parameters.js';

const challenge = s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
const confidential = { secretHash: 'f'.repeat(64) };
const publicClient = { secretHash: null };

const check =
  (query: Record<string, string>, client: { secretHash: string | null } = confidential) =>
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

  it('requires PKCE from public clients (registered without a secret)', () => {
    expect(isPublicClient(publicClient)).toBe(true);
    expect(isPublicClient(confidential)).toBe(false);
    expect(check({}, publicClient)).toThrow('must use PKCE');
    expect(check({ code_challenge: challenge, code_challenge_method: 'S256' }, publicClient)()).toBe(
      challenge,
    );
  });
});
