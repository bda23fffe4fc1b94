import { describeDurableAvailabilityContract } from '@gatehouse/core/testing';
import { createTestDatabase } from '../testing.js';

describeDurableAvailabilityContract(createTestDatabase);
