import { describeRefreshTokenStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeRefreshTokenStoreContract(createTestDatabase);
