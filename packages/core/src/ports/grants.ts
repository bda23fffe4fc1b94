/** A user's remembered consent for one client. */
export interface Grant {
  userId: number;
  /** Internal client id (`Client.id`). */
  clientId: number;
  scopes: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface GrantStore {
  find(userId: number, clientId: number): Promise<Grant | null>;
  /** Records consent; the stored scopes become the union of old and new. */
  upsert(userId: number, clientId: number, scopes: string[]): Promise<Grant>;
  listByUser(userId: number): Promise<Grant[]>;
  /** Removes the consent record. Token revocation is the caller's job (see RefreshTokenStore). */
  delete(userId: number, clientId: number): Promise<boolean>;
}
