import { describeSigningKeyStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeSigningKeyStoreContract(createTestDatabase);
