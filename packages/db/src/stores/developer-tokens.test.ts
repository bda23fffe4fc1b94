import { describeDeveloperTokenStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeDeveloperTokenStoreContract(createTestDatabase);
