import { keyEncryptionSecret } from '@gatehouse/core';
import { decryptWebhookSecret, deriveWebhookSecretKey } from '@gatehouse/core/webhooks';
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

  it('gives the demo client a webhook to the demo app, signed with the secret the demo app verifies with', async () => {
    const fresh = await createTestStores();
    try {
      const config = testConfig({
        GATEHOUSE_ENV: 'development',
        SEED_DEMO_DATA: 'true',
        DEMO_APP_URL: 'http://localhost:3001',
      });
      const result = await seedDemoData(fresh, config);
      expect(result.webhookUrl).toBe('http://localhost:3001/webhooks/gatehouse');
      const client = await fresh.db.clients.findByClientId(DEMO.clientId);
      const endpoint = await fresh.db.webhooks.getEndpoint(client!.id);
      expect(endpoint?.url).toBe(result.webhookUrl);
      const key = deriveWebhookSecretKey(keyEncryptionSecret(config));
      expect(await decryptWebhookSecret(endpoint!.encryptedSecret, client!.id, key)).toBe(DEMO.webhookSecret);
    } finally {
      await fresh.close();
    }
  });
});
