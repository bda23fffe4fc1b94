export interface AccessTokenData {
  /** Internal client id. */
  clientId: number;
  /** Public client id (for introspection without a database read). */
  clientPublicId: string;
  userId: number;
  scopes: string[];
  familyId: string;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds. */
  expiresAt: number;
  /** Unix seconds of the sign-in behind the grant, for introspection (absent in older tokens). */
  authTime?: number | null;
}

export interface AccessTokenStore {
  /** `tokenHash` is the SHA-256 (hex) of the token; the entry expires with the token. */
  put(tokenHash: string, data: AccessTokenData, ttlSeconds: number): Promise<void>;
  /** One round trip; null when unknown, expired or revoked. */
  get(tokenHash: string): Promise<AccessTokenData | null>;
  delete(tokenHash: string): Promise<void>;
  /** Deletes every access token of the family at once; returns how many. */
  revokeFamily(familyId: string): Promise<number>;
}
