import { describe, expect, it } from 'vitest';
import { InvalidClientError } from '../errors.js';
import type { Client } from '../ports/clients.js';
import { sampleClient } from '../testing/memory/authorize-stores.js';
import { checkClient } from './check-client.js';
import { readAuthorizationRequest } from './parameters.js';

function client(overrides: Partial<Client> = {}): Client {
  return sampleClient({
    id: 7,
    secretHash: 'a'.repeat(64),
    redirectUris: ['https://app.example.com/cb'],
    allowedScopes: ['profile', 'balance'],
    ...overrides,
  });
}

const lookup = (registered: Client[]) => async (id: string) =>
  registered.find((c) => c.clientId === id) ?? null;

async function rejection(promise: Promise<unknown>): Promise<InvalidClientError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidClientError);
  return error as InvalidClientError;
}

describe('checkClient', () => {
  it('returns the registered, enabled client', async () => {
    const app = client();
    await expect(checkClient(readAuthorizationRequest({ client_id: 'gh_app' }), lookup([app]))).resolves.toBe(
      app,
    );
  });

  it('refuses a missing, repeated, unknown or disabled client without allowing a redirect', async () => {
    const cases = [
      checkClient(readAuthorizationRequest({}), lookup([client()])),
      checkClient(readAuthorizationRequest({ client_id: ['gh_app', 'gh_app'] }), lookup([client()])),
      checkClient(readAuthorizationRequest({ client_id: 'gh_other' }), lookup([client()])),
      checkClient(readAuthorizationRequest({ client_id: 'gh_app' }), lookup([client({ disabled: true })])),
    ];
    const messages = [];
    for (const pending of cases) {
      const error = await rejection(pending);
      expect(error.redirectable).toBe(false);
      messages.push(error.description);
    }
    expect(messages).toEqual([
      'the request has no client_id',
      'client_id must not be repeated',
      'unknown client',
      'this application has been disabled',
    ]);
  });

  it('does not trust a lookup that returns a different client (e.g. case-insensitive collation)', async () => {
    await rejection(checkClient(readAuthorizationRequest({ client_id: 'GH_APP' }), async () => client()));
  });
});
