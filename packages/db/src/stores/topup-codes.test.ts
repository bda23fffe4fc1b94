import { describeTopupCodeStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeTopupCodeStoreContract(createTestDatabase);
