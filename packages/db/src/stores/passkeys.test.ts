import { describePasskeyStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describePasskeyStoreContract(createTestDatabase);
