import { describeDeveloperTokenStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeDeveloperTokenStoreContract(createTestDatabase);
