export interface AuthorizationCodeData {
  /** Internal client id. */
  clientId: number;
  userId: number;
  redirectUri: string;
  scopes: string[];
  /** S256 challenge, or null when the client sent none. */
  codeChallenge: string | null;
  /** The token family this code starts; a replay revokes it. */
  familyId: string;
  /** Unix seconds. */
  authTime: number;
  /** The authorization request's OpenID Connect nonce (absent in codes issued before OIDC). */
  nonce?: string | null;
  /** The browser session the code was issued in, as the ID token's `sid`. */
  sid?: string | null;
  /** The session's authentication methods, as the ID token's `amr` (absent in older codes). */
  amr?: string[] | null;
}

export type ConsumeResult =
  | { kind: 'fresh'; data: AuthorizationCodeData }
  /** Already consumed once: the caller must revoke `data.familyId`. */
  | { kind: 'replayed'; data: AuthorizationCodeData }
  | { kind: 'not_found' };

export interface AuthorizationCodeStore {
  /** `codeHash` is the SHA-256 (hex) of the code. */
  put(codeHash: string, data: AuthorizationCodeData, ttlSeconds: number): Promise<void>;
  /**
   * Atomic: of concurrent consumers exactly one gets `fresh`. The spent code is
   * kept `retainSeconds` longer so that a replay is recognised as one.
   */
  consume(codeHash: string, retainSeconds: number): Promise<ConsumeResult>;
}
