import { describeRetentionStoreContract } from '@gatehouse/core/testing';
import { createTestDatabaseWithLegacyTokens } from '../testing/index.js';

describeRetentionStoreContract(createTestDatabaseWithLegacyTokens);
