import { describeSigningKeyStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeSigningKeyStoreContract(createTestDatabase);
