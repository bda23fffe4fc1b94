import { describeEmailTokenStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeEmailTokenStoreContract(createTestDatabase);
