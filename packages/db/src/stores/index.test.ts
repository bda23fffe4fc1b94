import { describeDurableAvailabilityContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing/index.js';

describeDurableAvailabilityContract(createTestDatabase);
