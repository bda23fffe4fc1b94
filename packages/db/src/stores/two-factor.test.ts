import { describeTwoFactorStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeTwoFactorStoreContract(createTestDatabase);
