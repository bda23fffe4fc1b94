import type { Allowance } from '../charges/allowance.js';
import type { NewAuditEvent } from './audit.js';

/** A user's remembered consent for one client. */
export interface Grant {
  userId: number;
  /** Internal client id (`Client.id`). */
  clientId: number;
  scopes: string[];
  /** The allowance chosen for `charge` (SEC-85); null without `charge` or before one was chosen. */
  allowance: Allowance | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface GrantStore {
  find(userId: number, clientId: number): Promise<Grant | null>;
  /**
   * Records consent; the stored scopes become the union of old and new. `allowance` is stored
   * in the same statement, but only when the grant has none yet (SEC-88): a later consent never
   * replaces the user's choice (they change it on /account, through ChargeStore.setAllowance).
   * `audit` names the event that records the consent: written in the same transaction, so the
   * consent and its record commit or roll back together (core's audit policy, audit/record.ts).
   */
  upsert(
    userId: number,
    clientId: number,
    scopes: string[],
    allowance?: Allowance | null,
    audit?: (grant: Grant) => NewAuditEvent,
  ): Promise<Grant>;
  listByUser(userId: number): Promise<Grant[]>;
  /**
   * The user removes the consent record; the same transaction writes the app's `grant.revoked`
   * event (reason `disconnected`). Token revocation is the caller's job (see RefreshTokenStore).
   */
  delete(userId: number, clientId: number, now?: Date): Promise<boolean>;
}
