import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../crypto.js';
import { InvalidGrantError, InvalidRequestError, UnsupportedGrantTypeError } from '../errors.js';
import type { AuthorizationCodeData, Client, RefreshTokenRecord } from '../ports/index.js';
import { sampleClient } from '../testing/memory/authorize-stores.js';
import { checkCodeBinding, checkPkce, readCodeGrantRequest } from './authorization-code.js';
import { readTokenRequest } from './exchange.js';
import { isActiveAccessToken, isActiveRefreshToken } from './introspection.js';
import { mintAccessToken, mintRefreshToken, tokenResponse } from './mint.js';
import { refreshRefusal } from './refresh-refusal.js';
import { inGraceWindow } from './refresh-token.js';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const NOW = 1_800_000_000_000;

function client(overrides: Partial<Client> = {}): Client {
  return sampleClient({
    secretHash: sha256Hex('s3cret'),
    allowedScopes: ['profile', 'balance'],
    ...overrides,
  });
}

function code(overrides: Partial<AuthorizationCodeData> = {}): AuthorizationCodeData {
  return {
    clientId: 1,
    userId: 7,
    redirectUri: 'https://app.example/cb',
    scopes: ['profile'],
    codeChallenge: null,
    familyId: 'fam',
    authTime: 0,
    ...overrides,
  };
}

function refresh(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: 'h1',
    familyId: 'fam',
    generation: 0,
    clientId: 1,
    userId: 7,
    scopes: ['profile', 'balance'],
    rotatedAt: null,
    replacedByHash: null,
    revokedAt: null,
    createdAt: new Date(NOW - 1000),
    expiresAt: new Date(NOW + 60_000),
    authTime: null,
    sid: null,
    ...overrides,
  };
}

describe('grant_type', () => {
  it('is required, and only authorization_code and refresh_token are supported', () => {
    expect(() => readTokenRequest({})).toThrow(InvalidRequestError);
    expect(() => readTokenRequest({ grant_type: 'password' })).toThrow(UnsupportedGrantTypeError);
    expect(() => readTokenRequest({ grant_type: 'client_credentials' })).toThrow(UnsupportedGrantTypeError);
    expect(readTokenRequest({ grant_type: 'refresh_token', refresh_token: 'gth_rt_x' })).toEqual({
      grantType: 'refresh_token',
      grant: { refreshToken: 'gth_rt_x', scope: undefined },
    });
  });
});

describe('authorization code grant steps', () => {
  it('requires code and redirect_uri', () => {
    expect(() => readCodeGrantRequest({ redirect_uri: 'https://app.example/cb' })).toThrow(
      /code is required/,
    );
    expect(() => readCodeGrantRequest({ code: 'c' })).toThrow(/redirect_uri is required/);
  });

  it('refuses a malformed code_verifier as invalid_request before the code is used', () => {
    const base = { code: 'c', redirect_uri: 'https://app.example/cb' };
    for (const verifier of ['a'.repeat(42), 'a'.repeat(129), `${'a'.repeat(43)}/`]) {
      expect(() => readCodeGrantRequest({ ...base, code_verifier: verifier })).toThrow(InvalidRequestError);
    }
    expect(readCodeGrantRequest({ ...base, code_verifier: VERIFIER }).codeVerifier).toBe(VERIFIER);
  });

  it('binds the code to its client and its exact redirect URI', () => {
    expect(() => checkCodeBinding(code(), client(), 'https://app.example/cb')).not.toThrow();
    expect(() => checkCodeBinding(code(), client({ id: 2 }), 'https://app.example/cb')).toThrow(
      InvalidGrantError,
    );
    expect(() => checkCodeBinding(code(), client(), 'https://app.example/cb/')).toThrow(InvalidGrantError);
  });

  it('checks PKCE: matching verifier required with a challenge, none allowed without', () => {
    const withChallenge = code({ codeChallenge: CHALLENGE });
    expect(() => checkPkce(withChallenge, client(), VERIFIER)).not.toThrow();
    expect(() => checkPkce(withChallenge, client(), undefined)).toThrow(InvalidGrantError);
    expect(() => checkPkce(withChallenge, client(), `${VERIFIER.slice(0, -1)}A`)).toThrow(InvalidGrantError);
    expect(() => checkPkce(code(), client(), VERIFIER)).toThrow(InvalidRequestError);
    expect(() => checkPkce(code(), client(), undefined)).not.toThrow();
  });

  it('requires PKCE from public clients', () => {
    const pub = client({ secretHash: null });
    expect(() => checkPkce(code(), pub, undefined)).toThrow(InvalidGrantError);
    expect(() => checkPkce(code({ codeChallenge: CHALLENGE }), pub, VERIFIER)).not.toThrow();
  });
});

describe('refresh token grant steps', () => {
  it('names why a token may not be rotated, in the order the endpoint reports it', () => {
    const scopes: string[] = [];
    expect(refreshRefusal(refresh(), 1, NOW, scopes, true)).toBeNull();
    expect(refreshRefusal(null, 1, NOW, scopes, true)).toBe('unknown');
    expect(refreshRefusal(refresh({ clientId: 2 }), 1, NOW, scopes, true)).toBe('foreign');
    // Another client's spent token is still only foreign: it never revokes the family.
    expect(refreshRefusal(refresh({ clientId: 2, rotatedAt: new Date(NOW) }), 1, NOW, scopes, true)).toBe(
      'foreign',
    );
    expect(
      refreshRefusal(refresh({ rotatedAt: new Date(NOW), revokedAt: new Date(NOW) }), 1, NOW, scopes, true),
    ).toBe('reused');
    expect(refreshRefusal(refresh({ revokedAt: new Date(NOW) }), 1, NOW, scopes, true)).toBe('revoked');
    expect(refreshRefusal(refresh({ expiresAt: new Date(NOW) }), 1, NOW, scopes, true)).toBe('expired');
    expect(refreshRefusal(refresh({ scopes: ['profile'] }), 1, NOW, ['profile', 'balance'], true)).toBe(
      'scope',
    );
    expect(refreshRefusal(refresh({ scopes: ['profile'] }), 1, NOW, ['profile'], false)).toBe(
      'user_inactive',
    );
  });

  it('recognises a grace retry only for the immediate predecessor, inside the window', () => {
    // The store sets `replacedByHash` only on the family's immediate predecessor.
    const previous = refresh({ rotatedAt: new Date(NOW - 2000), replacedByHash: 'h2' });
    expect(inGraceWindow(previous, NOW, 5)).toBe(true);
    // Window off, or over.
    expect(inGraceWindow(previous, NOW, 0)).toBe(false);
    expect(inGraceWindow(previous, NOW, 1)).toBe(false);
    // An older spent token of the family, or the current one.
    expect(inGraceWindow({ ...previous, replacedByHash: null }, NOW, 5)).toBe(false);
    expect(inGraceWindow({ ...previous, rotatedAt: null }, NOW, 5)).toBe(false);
    // A revoked family has no grace.
    expect(inGraceWindow({ ...previous, revokedAt: new Date(NOW) }, NOW, 5)).toBe(false);
  });
});

describe('minting', () => {
  it('draws prefixed 256-bit tokens and reports the family’s remaining lifetime', () => {
    const rt = mintRefreshToken();
    const at = mintAccessToken(
      client(),
      { userId: 7, scopes: ['balance', 'profile'], familyId: 'fam' },
      NOW,
      7200,
    );
    expect(rt.value).toMatch(/^gth_rt_[A-Za-z0-9_-]{43}$/);
    expect(at.value).toMatch(/^gth_at_[A-Za-z0-9_-]{43}$/);
    expect(at.hash).toBe(sha256Hex(at.value));
    expect(at.data).toMatchObject({ clientPublicId: 'gh_app', expiresAt: NOW / 1000 + 7200 });
    const body = tokenResponse(at, rt, new Date(NOW + 90_500), NOW, 7200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 7200, refresh_token_expires_in: 90 });
    expect(body.scope).toBe('profile balance');
  });
});

describe('introspection activity', () => {
  it('reports only the caller’s own, live tokens as active', () => {
    const data = mintAccessToken(client(), { userId: 7, scopes: ['profile'], familyId: 'f' }, NOW, 60).data;
    expect(isActiveAccessToken(data, client(), NOW)).toBe(true);
    expect(isActiveAccessToken(data, client({ id: 2 }), NOW)).toBe(false);
    expect(isActiveAccessToken(data, client(), NOW + 61_000)).toBe(false);
    expect(isActiveRefreshToken(refresh(), client(), NOW)).toBe(true);
    expect(isActiveRefreshToken(refresh({ rotatedAt: new Date(NOW) }), client(), NOW)).toBe(false);
    expect(isActiveRefreshToken(refresh({ clientId: 2 }), client(), NOW)).toBe(false);
    expect(isActiveRefreshToken(refresh({ expiresAt: new Date(NOW) }), client(), NOW)).toBe(false);
  });
});
