import { describeLedgerStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeLedgerStoreContract(createTestDatabase);
