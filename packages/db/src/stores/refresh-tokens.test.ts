import { describeRefreshTokenStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeRefreshTokenStoreContract(createTestDatabase);
