import { describeUserStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeUserStoreContract(createTestDatabase);
