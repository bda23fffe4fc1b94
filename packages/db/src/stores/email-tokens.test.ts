import { describeEmailTokenStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeEmailTokenStoreContract(createTestDatabase);
