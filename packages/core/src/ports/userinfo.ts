import type { Client } from './clients.js';
import type { Balance } from './ledger.js';
import type { User } from './users.js';

/** What the userinfo endpoint needs about a token's user and client. */
export interface UserinfoRecord {
  user: Pick<User, 'id' | 'username' | 'email' | 'emailVerified' | 'status' | 'createdAt'>;
  /** Null when the user has no balance row. */
  balance: (Pick<Balance, 'quota' | 'usedQuota'> & { held: bigint }) | null;
  /** The client the token was issued to; null when it no longer exists. */
  client: Pick<
    Client,
    'id' | 'clientId' | 'disabled' | 'tokenEndpointAuthMethod' | 'redirectUris' | 'allowedOrigins'
  > | null;
}

/** A read-only view across users, balances and clients, for the hottest resource endpoint. */
export interface UserinfoReader {
  /**
   * One round trip: the user with their balance, and the client (`Client.id`) the token
   * was issued to. Null when the user does not exist.
   */
  read(userId: number, clientId: number): Promise<UserinfoRecord | null>;
}
