import type { RefreshRefusal } from '../token/refresh-refusal.js';

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
  /** Unix seconds of the sign-in behind the family (OpenID Connect `auth_time`); inherited on rotation. */
  authTime: number | null;
  /** The browser session id the family came from (the ID token's `sid`); inherited on rotation. */
  sid: string | null;
}

export type NewRefreshToken = Omit<
  RefreshTokenRecord,
  'rotatedAt' | 'replacedByHash' | 'revokedAt' | 'createdAt' | 'authTime' | 'sid'
> &
  Partial<Pick<RefreshTokenRecord, 'authTime' | 'sid'>>;

/** A rotation as the token endpoint asks for it (RFC 6749 §6, RFC 9700 §4.14.2). */
export interface RotationRequest {
  /** Hash of the presented token. */
  oldHash: string;
  /** The authenticated client's internal id: another client's token is never rotated. */
  clientId: number;
  /** Hash of the successor, which inherits the family, user, full scope and absolute expiry. */
  nextHash: string;
  /** The scopes asked for with the refresh; the token's scope must cover them. Empty: none asked. */
  requestedScopes: string[];
  now: Date;
}

export type RotateResult =
  /** The old token was live and is now spent; its successor has been stored. */
  | { kind: 'rotated'; previous: RefreshTokenRecord }
  /**
   * Nothing changed. `current` is the token as stored after the attempt (null when unknown);
   * `reason` is core's `refreshRefusal` of it, asked by the store, never decided there —
   * `raced` when nothing stands against it any more (it changed while the statement ran).
   */
  | { kind: 'refused'; reason: RefreshRefusal | 'raced'; current: RefreshTokenRecord | null };

export interface RefreshTokenStore {
  create(token: NewRefreshToken): Promise<void>;
  /**
   * Stores the first token of a new family only while its user exists and is active, in one
   * round trip; false (and nothing stored) otherwise.
   */
  createForActiveUser(token: NewRefreshToken): Promise<boolean>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * In one atomic statement: spends `oldHash` and stores its successor — exactly when core's
   * `refreshRefusal` of the token (and its user's activity) is null. Two concurrent rotations
   * of one token: exactly one gets `rotated`.
   */
  rotate(request: RotationRequest): Promise<RotateResult>;
  /**
   * Undoes a rotation whose response could not be completed (the access token could not be
   * stored): deletes the unused successor and makes `oldHash` live again, so the client's
   * retry is not mistaken for a reuse. Only while the successor is still the old token's
   * replacement and nothing in the family was revoked; true when it undid the rotation.
   */
  undoRotation(oldHash: string, nextHash: string): Promise<boolean>;
  /** Revokes every token of the family; returns how many were live. */
  revokeFamily(familyId: string, now: Date): Promise<number>;
  /** Revokes the families of a user (optionally only for one client); returns the family ids touched. */
  revokeForUser(userId: number, clientId: number | null, now: Date): Promise<string[]>;
  /** Revokes every family of a client; returns the family ids touched. */
  revokeForClient(clientId: number, now: Date): Promise<string[]>;
}
