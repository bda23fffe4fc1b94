import { describeAuditStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeAuditStoreContract(createTestDatabase);
