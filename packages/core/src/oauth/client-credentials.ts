import { randomId, randomToken, sha256Hex, TOKEN_PREFIX } from '../crypto.js';

export interface ClientCredentialsIssue {
  clientId: string;
  /** Shown once, never stored. */
  clientSecret: string;
  secretHash: string;
}

/** A new client id and secret (256-bit, stored as SHA-256). */
export function newClientCredentials(): ClientCredentialsIssue {
  const clientSecret = randomToken(TOKEN_PREFIX.clientSecret);
  return { clientId: `gh_${randomId(12)}`, clientSecret, secretHash: sha256Hex(clientSecret) };
}

/** A replacement secret for rotation: the old hash is overwritten, so the old secret fails at once. */
export function newClientSecret(): { clientSecret: string; secretHash: string } {
  const clientSecret = randomToken(TOKEN_PREFIX.clientSecret);
  return { clientSecret, secretHash: sha256Hex(clientSecret) };
}
