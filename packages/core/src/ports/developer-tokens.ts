export interface DeveloperToken {
  id: number;
  userId: number;
  name: string;
  /** SHA-256 (hex) of the token; the token is shown once. */
  tokenHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface DeveloperTokenStore {
  create(token: { userId: number; name: string; tokenHash: string }): Promise<DeveloperToken>;
  /** Only a token that is not revoked. */
  findActiveByHash(tokenHash: string): Promise<DeveloperToken | null>;
  /** Active tokens of the user, newest first. */
  listByUser(userId: number): Promise<DeveloperToken[]>;
  /** Revokes the user's token; false when it is not theirs or already revoked. */
  revoke(id: number, userId: number, now: Date): Promise<boolean>;
}
