import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { checkCodeChallenge, isWellFormedCodeVerifier, s256, verifierMatchesChallenge } from './pkce.js';

// RFC 7636 Appendix B test vector.
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE', () => {
  it('computes S256 per RFC 7636 Appendix B', () => {
    expect(s256(verifier)).toBe(challenge);
    expect(verifierMatchesChallenge(verifier, challenge)).toBe(true);
    expect(verifierMatchesChallenge(`${verifier.slice(0, -1)}A`, challenge)).toBe(false);
  });

  it('accepts only S256 challenges', () => {
    expect(checkCodeChallenge(challenge, 'S256')).toBe(challenge);
    expect(checkCodeChallenge(undefined, undefined)).toBeNull();
    expect(() => checkCodeChallenge(challenge, 'plain')).toThrow(InvalidRequestError);
    expect(() => checkCodeChallenge(challenge, undefined)).toThrow(InvalidRequestError);
    expect(() => checkCodeChallenge('short', 'S256')).toThrow(InvalidRequestError);
    expect(() => checkCodeChallenge(undefined, 'S256')).toThrow(InvalidRequestError);
  });

  it('requires verifiers of 43–128 unreserved characters', () => {
    expect(isWellFormedCodeVerifier('a'.repeat(42))).toBe(false);
    expect(isWellFormedCodeVerifier('a'.repeat(43))).toBe(true);
    expect(isWellFormedCodeVerifier('a'.repeat(128))).toBe(true);
    expect(isWellFormedCodeVerifier('a'.repeat(129))).toBe(false);
    expect(isWellFormedCodeVerifier(`${'a'.repeat(43)}!`)).toBe(false);
  });
});
