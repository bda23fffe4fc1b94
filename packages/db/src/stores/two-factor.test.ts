import { describeTwoFactorStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeTwoFactorStoreContract(createTestDatabase);
