import type { Client } from '../ports/clients.js';
import type { SigningAlg } from '../ports/signing-keys.js';
import type { User } from '../ports/users.js';
import { standardClaims } from './claims.js';
import { mintIdToken } from './id-token.js';
import type { KeyRing } from './key-ring.js';
import { DEFAULT_SIGNING_ALG } from './key-schedule.js';

/** What the token endpoint needs to issue ID tokens. */
export interface OidcContext {
  issuer: string;
  keys: KeyRing;
}

/** The grant an ID token speaks for. */
export interface IdTokenGrant {
  scopes: readonly string[];
  /** Unix seconds of the sign-in; null only for families from before OpenID Connect. */
  authTime: number | null;
  nonce: string | null;
  sid: string | null;
  /** Authentication methods of the sign-in (RFC 8176); null when unknown (refreshes). */
  amr?: readonly string[] | null;
}

/** SEC-46: an ID token only for a grant that includes `openid`. */
export const wantsIdToken = (scopes: readonly string[]): boolean => scopes.includes('openid');

/** The client's registered ID-token alg (RS256 unless it asked for ES256). */
export const idTokenAlg = (client: Pick<Client, 'idTokenSignedResponseAlg'>): SigningAlg =>
  client.idTokenSignedResponseAlg ?? DEFAULT_SIGNING_ALG;

/**
 * The ID token for a code exchange or a refresh (OIDC Core §3.1.3.3, §12.2): `sub` is the
 * user id as userinfo's `sub`, `aud`/`azp` the client, `auth_time` the sign-in behind the
 * grant (never the time of a refresh), the request's nonce, and the standard claims of the
 * granted scopes — so clients that read the profile from the ID token (Auth.js) need no
 * userinfo call.
 */
export async function issueIdToken(
  oidc: OidcContext,
  client: Client,
  user: Pick<User, 'id' | 'username' | 'email' | 'emailVerified' | 'createdAt'>,
  grant: IdTokenGrant,
  accessToken: string,
  now: number,
): Promise<string> {
  const signer = await oidc.keys.signer(idTokenAlg(client), now);
  return mintIdToken(
    {
      issuer: oidc.issuer,
      clientId: client.clientId,
      subject: String(user.id),
      authTime: grant.authTime ?? Math.floor(now / 1000),
      nonce: grant.nonce,
      sid: grant.sid,
      amr: grant.amr ?? null,
      accessToken,
      claims: standardClaims(user, grant.scopes),
      now,
    },
    signer,
  );
}
