import { describeTopupCodeStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeTopupCodeStoreContract(createTestDatabase);
