import { describeGrantStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeGrantStoreContract(createTestDatabase);
