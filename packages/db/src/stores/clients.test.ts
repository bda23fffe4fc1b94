import { describeClientStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeClientStoreContract(createTestDatabase);
