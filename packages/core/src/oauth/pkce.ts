import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../crypto.js';
import { InvalidRequestError } from '../errors.js';

/** RFC 7636 §4.1: 43–128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is base64url(SHA-256) without padding: exactly 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

export function isWellFormedCodeVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Validates the challenge of an authorization request. Only S256 is accepted:
 * `plain` (or a challenge without a method, which RFC 7636 reads as plain) is refused.
 * Returns the challenge, or null when the client sent none.
 */
export function checkCodeChallenge(challenge: string | undefined, method: string | undefined): string | null {
  if (challenge === undefined || challenge === '') {
    if (method) throw new InvalidRequestError('code_challenge_method was sent without code_challenge');
    return null;
  }
  if (method !== 'S256') throw new InvalidRequestError('code_challenge_method must be S256');
  if (!S256_CHALLENGE.test(challenge)) {
    throw new InvalidRequestError('code_challenge must be 43 base64url characters (S256)');
  }
  return challenge;
}

/** Constant-time check of a verifier against a stored S256 challenge. */
export function verifierMatchesChallenge(verifier: string, challenge: string): boolean {
  return isWellFormedCodeVerifier(verifier) && constantTimeEqual(s256(verifier), challenge);
}
