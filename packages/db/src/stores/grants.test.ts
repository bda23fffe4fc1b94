import { describeGrantStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeGrantStoreContract(createTestDatabase);
