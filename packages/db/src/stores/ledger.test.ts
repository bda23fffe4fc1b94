import { describeLedgerStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeLedgerStoreContract(createTestDatabase);
