import type { DurableStores } from '@gatehouse/core';
import type { Database } from '../connection.js';
import { createAuditStore } from './audit.js';
import { createChargeStore } from './charges.js';
import { createClientStore } from './clients.js';
import { createDeveloperTokenStore } from './developer-tokens.js';
import { createEmailTokenStore } from './email-tokens.js';
import { createGrantStore } from './grants.js';
import { createLedgerStore } from './ledger.js';
import { createPasskeyStore } from './passkeys.js';
import { createRefreshTokenStore } from './refresh-tokens.js';
import { createRetentionStore } from './retention.js';
import { createSigningKeyStore } from './signing-keys.js';
import { createTopupCodeStore } from './topup-codes.js';
import { createTwoFactorStore } from './two-factor.js';
import { createUserinfoReader } from './userinfo.js';
import { createUserStore } from './users.js';
import { createWebhookStore } from './webhooks.js';

/** Postgres (or PGlite) implementations of every durable port, sharing one connection pool. */
export function createDurableStores(database: Database): DurableStores {
  const { db } = database;
  return {
    users: createUserStore(db),
    clients: createClientStore(db),
    grants: createGrantStore(db),
    refreshTokens: createRefreshTokenStore(db),
    ledger: createLedgerStore(db),
    charges: createChargeStore(db),
    topupCodes: createTopupCodeStore(db),
    developerTokens: createDeveloperTokenStore(db),
    emailTokens: createEmailTokenStore(db),
    twoFactor: createTwoFactorStore(db),
    passkeys: createPasskeyStore(db),
    audit: createAuditStore(db),
    userinfo: createUserinfoReader(db),
    signingKeys: createSigningKeyStore(db),
    webhooks: createWebhookStore(db),
    retention: createRetentionStore(db),
    ping: () => database.ping(),
    // The stores own the database they were given: closing them ends the pool.
    close: () => database.close(),
  };
}
