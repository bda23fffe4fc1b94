import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../crypto.js';
import { memoryAuthorizeStores } from '../testing/memory/authorize-stores.js';
import { issueCode, type SignedInUser, sessionSid } from './issue-code.js';

const CONFIG = { authCodeTtl: 60, issuer: 'https://id.example' };
const USER: SignedInUser = { userId: 7, authTime: 1_800_000_000, sid: 'sid-7', amr: ['pwd', 'otp'] };
const REQUEST = {
  clientId: 1,
  redirectUri: 'https://app.example/cb?x=1',
  scopes: ['profile'],
  state: 'st',
  codeChallenge: 'challenge',
  nonce: 'n-1',
};

describe('issueCode', () => {
  it('stores only the code’s hash, bound to the request, the user and a fresh family', async () => {
    const { stores, codes } = memoryAuthorizeStores();
    const url = new URL(await issueCode(stores.cache.codes, CONFIG, USER, REQUEST));
    const code = url.searchParams.get('code') ?? '';
    expect(code).toMatch(/^gth_ac_/);
    expect([...codes.keys()]).toEqual([sha256Hex(code)]);
    expect(codes.get(sha256Hex(code))).toEqual({
      clientId: 1,
      userId: 7,
      redirectUri: REQUEST.redirectUri,
      scopes: ['profile'],
      codeChallenge: 'challenge',
      familyId: expect.any(String),
      authTime: 1_800_000_000,
      nonce: 'n-1',
      sid: 'sid-7',
      amr: ['pwd', 'otp'],
    });
  });

  it('redirects to the registered URI with code, state and iss (RFC 9207), keeping its query', async () => {
    const { stores } = memoryAuthorizeStores();
    const url = new URL(await issueCode(stores.cache.codes, CONFIG, USER, REQUEST));
    expect(`${url.origin}${url.pathname}`).toBe('https://app.example/cb');
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.searchParams.get('state')).toBe('st');
    expect(url.searchParams.get('iss')).toBe('https://id.example');
    const stateless = new URL(await issueCode(stores.cache.codes, CONFIG, USER, { ...REQUEST, state: null }));
    expect(stateless.searchParams.has('state')).toBe(false);
  });

  it('starts a new token family for every code', async () => {
    const { stores, codes } = memoryAuthorizeStores();
    await issueCode(stores.cache.codes, CONFIG, USER, REQUEST);
    await issueCode(stores.cache.codes, CONFIG, USER, REQUEST);
    const families = new Set([...codes.values()].map((data) => data.familyId));
    expect(families.size).toBe(2);
  });
});

describe('sessionSid', () => {
  it('names a session stably without revealing its key', () => {
    expect(sessionSid('key-1')).toBe(sessionSid('key-1'));
    expect(sessionSid('key-1')).not.toBe(sessionSid('key-2'));
    expect(sessionSid('key-1')).toMatch(/^[0-9a-f]{32}$/);
    expect(sessionSid('key-1')).not.toContain('key-1');
  });
});
