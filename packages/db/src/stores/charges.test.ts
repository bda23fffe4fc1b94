import { describeChargeStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeChargeStoreContract(createTestDatabase);
