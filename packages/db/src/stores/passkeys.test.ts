import { describePasskeyStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describePasskeyStoreContract(createTestDatabase);
