import { describeChargeStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeChargeStoreContract(createTestDatabase);
