import { describeRetentionStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeRetentionStoreContract(createTestDatabase);
