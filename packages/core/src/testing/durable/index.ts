// Contract suites for the durable ports: every DurableStores implementation runs all of them.
import { describeAuditStoreContract } from './audit.js';
import { describeDurableAvailabilityContract } from './availability.js';
import { describeChargeStoreContract } from './charges.js';
import { describeClientStoreContract } from './clients.js';
import { describeDeveloperTokenStoreContract } from './developer-tokens.js';
import { describeEmailTokenStoreContract } from './email-tokens.js';
import type { OpenDurableStoresWithLegacyTokens } from './fixtures.js';
import { describeGrantStoreContract } from './grants.js';
import { describeLedgerStoreContract } from './ledger.js';
import { describePasskeyStoreContract } from './passkeys.js';
import { describeRefreshTokenStoreContract } from './refresh-tokens.js';
import { describeRetentionStoreContract } from './retention.js';
import { describeSigningKeyStoreContract } from './signing-keys.js';
import { describeTopupCodeStoreContract } from './topup-codes.js';
import { describeTwoFactorStoreContract } from './two-factor.js';
import { describeUserinfoReaderContract } from './userinfo.js';
import { describeUserStoreContract } from './users.js';

export type {
  DurableStoresUnderTest,
  DurableStoresWithLegacyTokens,
  LegacyRefreshToken,
  OpenDurableStores,
  OpenDurableStoresWithLegacyTokens,
} from './fixtures.js';
export {
  createClient,
  createUser,
  newLegacyRefreshToken,
  newRefreshToken,
  randomHash,
  unique,
} from './fixtures.js';
export {
  describeAuditStoreContract,
  describeChargeStoreContract,
  describeClientStoreContract,
  describeDeveloperTokenStoreContract,
  describeDurableAvailabilityContract,
  describeEmailTokenStoreContract,
  describeGrantStoreContract,
  describeLedgerStoreContract,
  describePasskeyStoreContract,
  describeRefreshTokenStoreContract,
  describeRetentionStoreContract,
  describeSigningKeyStoreContract,
  describeTopupCodeStoreContract,
  describeTwoFactorStoreContract,
  describeUserinfoReaderContract,
  describeUserStoreContract,
};

/** Every durable contract suite, each against its own fresh stores from `open`. */
export function describeDurableStoreContracts(open: OpenDurableStoresWithLegacyTokens): void {
  describeUserStoreContract(open);
  describeClientStoreContract(open);
  describeGrantStoreContract(open);
  describeRefreshTokenStoreContract(open);
  describeLedgerStoreContract(open);
  describeChargeStoreContract(open);
  describeTopupCodeStoreContract(open);
  describeDeveloperTokenStoreContract(open);
  describeEmailTokenStoreContract(open);
  describeTwoFactorStoreContract(open);
  describePasskeyStoreContract(open);
  describeAuditStoreContract(open);
  describeUserinfoReaderContract(open);
  describeSigningKeyStoreContract(open);
  describeRetentionStoreContract(open);
  describeDurableAvailabilityContract(open);
}
