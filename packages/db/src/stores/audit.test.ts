import { describeAuditStoreContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeAuditStoreContract(createTestDatabase);
