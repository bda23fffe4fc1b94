export interface RefreshTokenRecord {
  /** SHA-256 (hex) of the token. */
  tokenHash: string;
  /** All tokens minted from one authorization code share a family. */
  familyId: string;
  /** Internal client id. */
  clientId: number;
  userId: number;
  scopes: string[];
  /** Set when this token was rotated; the token is then spent. */
  rotatedAt: Date | null;
  /** Hash of the token that replaced this one (for the grace window). */
  replacedByHash: string | null;
  revokedAt: Date | null;
  createdAt: Date;
  /** Absolute expiry of the family, inherited on rotation: rotation never extends it. */
  expiresAt: Date;
}

export type NewRefreshToken = Omit<
  RefreshTokenRecord,
  'rotatedAt' | 'replacedByHash' | 'revokedAt' | 'createdAt'
>;

export type RotateResult =
  /** The old token was live and is now spent; `next` has been stored. */
  | { kind: 'rotated'; previous: RefreshTokenRecord }
  /** The old token was already rotated (or revoked): a replay. Nothing was stored. */
  | { kind: 'reused'; previous: RefreshTokenRecord }
  | { kind: 'not_found' };

export interface RefreshTokenStore {
  create(token: NewRefreshToken): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * Atomically marks `oldHash` spent and stores `next` — only if `oldHash` is
   * live (not rotated, not revoked). Two concurrent rotations of one token:
   * exactly one gets `rotated`.
   */
  rotate(oldHash: string, next: NewRefreshToken, now: Date): Promise<RotateResult>;
  /** Revokes every token of the family; returns how many were live. */
  revokeFamily(familyId: string, now: Date): Promise<number>;
  /** Revokes the families of a user (optionally only for one client); returns the family ids touched. */
  revokeForUser(userId: number, clientId: number | null, now: Date): Promise<string[]>;
  /** Revokes every family of a client; returns the family ids touched. */
  revokeForClient(clientId: number, now: Date): Promise<string[]>;
}
