import { describe, expect, it } from 'vitest';
import { webhookBody } from './events.js';
import {
  decryptWebhookSecret,
  deriveWebhookSecretKey,
  encryptWebhookSecret,
  newWebhookSecret,
} from './secret.js';

describe('webhook events', () => {
  it('has the body { id, type, created, data }', () => {
    const body = webhookBody({
      id: 'evt_1',
      type: 'charge.held',
      createdAt: new Date(1_700_000_000_500),
      data: { a: 1 },
    });
    expect(JSON.parse(body)).toEqual({
      id: 'evt_1',
      type: 'charge.held',
      created: 1_700_000_000,
      data: { a: 1 },
    });
  });
});

describe('webhook secrets (SEC-95)', () => {
  const key = deriveWebhookSecretKey('x'.repeat(32));

  it('are whsec_ and 32 random bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
  });

  it('are stored encrypted and bound to their app', async () => {
    const secret = newWebhookSecret();
    const jwe = await encryptWebhookSecret(secret, 7, key);
    expect(jwe).not.toContain(secret.slice(6, 20));
    expect(await decryptWebhookSecret(jwe, 7, key)).toBe(secret);
    await expect(decryptWebhookSecret(jwe, 8, key)).rejects.toThrow(/another app/);
    await expect(decryptWebhookSecret(jwe, 7, deriveWebhookSecretKey('y'.repeat(32)))).rejects.toThrow();
  });
});
