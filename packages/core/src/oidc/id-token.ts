import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { StandardClaims } from './claims.js';
import type { Signer } from './key-ring.js';
import { ID_TOKEN_TTL_SECONDS } from './key-schedule.js';

export interface IdTokenInput {
  issuer: string;
  /** The public client id: `aud` and `azp`. */
  clientId: string;
  /** The same string as userinfo's `sub`. */
  subject: string;
  /** Unix seconds of the authentication behind the grant. */
  authTime: number;
  /** The authorization request's nonce, echoed exactly; absent when none was sent. */
  nonce: string | null;
  /** The browser session the grant came from (not the session's secret). */
  sid: string | null;
  /** SEC-71: how the user authenticated (`pwd`, `otp`); omitted when unknown. */
  amr?: readonly string[] | null;
  /** For `at_hash`. */
  accessToken: string;
  claims: StandardClaims;
  /** Clock milliseconds. */
  now: number;
}

/** OIDC Core §3.1.3.6: the left half of the SHA-256 of the access token, base64url (RS256 and ES256 both hash with SHA-256). */
export function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

/** An ID token (OIDC Core §2, SEC-41), a JWS by the issuer's current key for the alg. */
export async function mintIdToken(input: IdTokenInput, signer: Signer): Promise<string> {
  const iat = Math.floor(input.now / 1000);
  const payload: Record<string, unknown> = {
    ...input.claims,
    auth_time: input.authTime,
    at_hash: atHash(input.accessToken),
    azp: input.clientId,
  };
  if (input.nonce !== null) payload.nonce = input.nonce;
  if (input.sid !== null) payload.sid = input.sid;
  if (input.amr && input.amr.length > 0) payload.amr = [...input.amr];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
    .setIssuer(input.issuer)
    .setSubject(input.subject)
    .setAudience(input.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ID_TOKEN_TTL_SECONDS)
    .sign(signer.key);
}
