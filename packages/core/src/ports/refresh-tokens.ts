import type { RefreshRefusal } from '../token/refresh-refusal.js';
import type { PresentedRefreshToken } from '../token/refresh-token-format.js';
import type { GrantRevokedReason } from '../webhooks/events.js';

/**
 * A refresh token as read through its family's one row (SEC-81): the family's grant, and how
 * the presented token stands in it — current (`rotatedAt` null), the immediate predecessor
 * (`replacedByHash` names the current token), or an older spent one.
 */
export interface RefreshTokenRecord {
  /** SHA-256 (hex) of the presented token. */
  tokenHash: string;
  /** All tokens minted from one authorization code share a family (and its one row). */
  familyId: string;
  /** The presented token's generation in its family (0: issued by the code exchange). */
  generation: number;
  /** Internal client id. */
  clientId: number;
  userId: number;
  scopes: string[];
  /**
   * Null while the presented token is the family's current one; otherwise it is spent, and
   * this is when the family last rotated (the predecessor's spending time, for the grace window).
   */
  rotatedAt: Date | null;
  /** For the immediate predecessor only: hash of the current token that replaced it. */
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

/** The first token of a new family (generation 0). */
export type NewRefreshToken = Omit<
  RefreshTokenRecord,
  'generation' | 'rotatedAt' | 'replacedByHash' | 'revokedAt' | 'createdAt' | 'authTime' | 'sid'
> &
  Partial<Pick<RefreshTokenRecord, 'authTime' | 'sid'>> & {
    /**
     * SHA-256 of the family key its tokens carry. Families without one (their tokens predate
     * keys) were written only by migration 0010.
     */
    keyHash: string;
  };

/** A rotation as the token endpoint asks for it (RFC 6749 §6, RFC 9700 §4.14.2). */
export interface RotationRequest {
  /** The presented token, as core read it. */
  presented: PresentedRefreshToken;
  /** Its family and generation (from the token, or for a legacy token from its stored hash). */
  familyId: string;
  generation: number;
  /** The authenticated client's internal id: another client's token is never rotated. */
  clientId: number;
  /** Hash of the successor (generation + 1), which inherits the family's grant and absolute expiry. */
  nextHash: string;
  /** Hash of the family key the successor carries (a legacy family gets its key here). */
  keyHash: string;
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
  /**
   * Stores the first token of a new family only while its user exists and is active, in one
   * round trip; false (and nothing stored) otherwise.
   */
  createForActiveUser(token: NewRefreshToken): Promise<boolean>;
  /** The presented token as it stands in its family; null when it matches no family. */
  find(presented: PresentedRefreshToken): Promise<RefreshTokenRecord | null>;
  /**
   * In one atomic statement (an in-place update of the family's row): makes `nextHash` the
   * current token in place of the presented one — exactly when core's `refreshRefusal` of the
   * token (and its user's activity) is null. Two concurrent rotations of one token: exactly one
   * gets `rotated`.
   */
  rotate(request: RotationRequest): Promise<RotateResult>;
  /**
   * Undoes a rotation whose response could not be completed (the access token could not be
   * stored): deletes the unused successor and makes `oldHash` live again, so the client's
   * retry is not mistaken for a reuse. Only while the successor is still the old token's
   * replacement and nothing in the family was revoked; true when it undid the rotation.
   */
  undoRotation(familyId: string, oldHash: string, nextHash: string): Promise<boolean>;
  /** Revokes the family (every token of it); returns 1 when it was live, else 0. */
  revokeFamily(familyId: string, now: Date): Promise<number>;
  /**
   * Revokes the families of a user (optionally only for one client); returns the family ids
   * touched. With `reason` (the user or an administrator ended the access), the same
   * transaction writes `grant.revoked` for each app that had a live family.
   */
  revokeForUser(
    userId: number,
    clientId: number | null,
    now: Date,
    reason?: GrantRevokedReason,
  ): Promise<string[]>;
  /** Revokes every family of a client; returns the family ids touched. */
  revokeForClient(clientId: number, now: Date): Promise<string[]>;
}
