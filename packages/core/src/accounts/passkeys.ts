/**
 * Passkeys (WebAuthn Level 3), as a second factor after the password and as passwordless
 * sign-in. The ceremonies themselves are @simplewebauthn/server's; these are the rules.
 */

/** The relying party is the issuer: its host is the RP ID, its origin the only accepted origin. */
export function relyingParty(issuer: string): { rpId: string; origin: string; name: string } {
  const url = new URL(issuer);
  return { rpId: url.hostname, origin: url.origin, name: 'Gatehouse' };
}

export const MAX_PASSKEYS_PER_USER = 10;

/** A challenge must be answered within this time, once. */
export const PASSKEY_CHALLENGE_TTL_SECONDS = 5 * 60;

/**
 * RFC 8176 values. A passkey sign-in requires user verification (PIN or biometric on the
 * authenticator), so alone it is two factors: `hwk` (a key the user holds) and `mfa`.
 * After the password it adds `hwk`.
 */
export const PASSKEY_AMR = { passwordless: ['hwk', 'mfa'], secondFactor: 'hwk' } as const;

/** Why a passkey name is refused, or null. */
export function passkeyNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'is required';
  if ([...trimmed].length > 60) return 'must be at most 60 characters';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return 'must not contain control characters';
  return null;
}
