import { describeUserStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeUserStoreContract(createTestDatabase);
