import { describeClientStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeClientStoreContract(createTestDatabase);
