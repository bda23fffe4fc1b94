import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from './webhooks.js';

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const body = JSON.stringify({ id: 'evt_1', type: 'charge.held', created: 1, data: { id: 'ch_1' } });

function signed(at = new Date()) {
  return {
    'webhook-id': 'evt_1',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign('evt_1', at, body),
  };
}

describe('verifyWebhook', () => {
  it('returns the event of a correctly signed delivery (plain object or Headers)', () => {
    expect(verifyWebhook(secret, signed(), body)).toMatchObject({ id: 'evt_1', type: 'charge.held' });
    expect(verifyWebhook(secret, new Headers(signed()), Buffer.from(body)).data).toEqual({ id: 'ch_1' });
  });

  it('refuses another secret, a changed body and an old timestamp', () => {
    const other = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;
    expect(() => verifyWebhook(other, signed(), body)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, signed(), body.replace('ch_1', 'ch_2'))).toThrow(
      WebhookVerificationError,
    );
    expect(() => verifyWebhook(secret, signed(new Date(Date.now() - 3_600_000)), body)).toThrow(
      WebhookVerificationError,
    );
  });
});
