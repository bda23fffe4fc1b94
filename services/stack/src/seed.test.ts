import { createTestStores, testConfig } from '@gatehouse/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, seedDemoData } from './seed.js';

describe('the development seed', () => {
  let stores: Awaited<ReturnType<typeof createTestStores>>;
  beforeAll(async () => {
    stores = await createTestStores();
  });
  afterAll(async () => {
    await stores.close();
  });

  it('lets the demo client ask for `charge` (its "Buy a premium feature" button), and seeds only once', async () => {
    const config = testConfig({ GATEHOUSE_ENV: 'development', SEED_DEMO_DATA: 'true' });
    expect((await seedDemoData(stores, config)).seeded).toBe(true);
    const client = await stores.db.clients.findByClientId(DEMO.clientId);
    expect(client).toMatchObject({ chargesEnabled: true, trusted: false });
    expect(client?.allowedScopes).toEqual(['profile', 'balance', 'charge']);
    expect((await seedDemoData(stores, config)).seeded).toBe(false);
  });
});
