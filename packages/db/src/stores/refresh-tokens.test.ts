import { describeRefreshTokenStoreContract } from '@gatehouse/core/testing';
import { createTestDatabaseWithLegacyTokens } from '../testing/index.js';

describeRefreshTokenStoreContract(createTestDatabaseWithLegacyTokens);
