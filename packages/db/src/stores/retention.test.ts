import { describeRetentionStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeRetentionStoreContract(createTestDatabase);
