import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../crypto.js';
import { InvalidClientError, InvalidRequestError } from '../errors.js';
import type { Client } from '../ports/index.js';
import { sampleClient } from '../testing/memory/authorize-stores.js';
import { clientMatches, readClientCredentials } from './client-auth.js';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function client(overrides: Partial<Client> = {}): Client {
  return sampleClient({
    secretHash: sha256Hex('s3cret'),
    allowedScopes: ['profile', 'balance'],
    ...overrides,
  });
}

describe('reading client credentials (RFC 6749 §2.3.1)', () => {
  it('reads client_secret_post', () => {
    expect(readClientCredentials({ client_id: 'gh_app', client_secret: 's3cret' }, undefined)).toEqual({
      clientId: 'gh_app',
      secret: 's3cret',
      method: 'client_secret_post',
    });
  });

  it('reads client_secret_basic with form-url-encoded halves', () => {
    expect(readClientCredentials({}, basic('gh:app', 'p+ss %word'))).toEqual({
      clientId: 'gh:app',
      secret: 'p+ss %word',
      method: 'client_secret_basic',
    });
  });

  it('refuses both methods at once, and a body client_id that contradicts Basic', () => {
    expect(() => readClientCredentials({ client_secret: 'x' }, basic('gh_app', 's3cret'))).toThrow(
      InvalidRequestError,
    );
    expect(() => readClientCredentials({ client_id: 'other' }, basic('gh_app', 's3cret'))).toThrow(
      InvalidRequestError,
    );
    expect(readClientCredentials({ client_id: 'gh_app' }, basic('gh_app', 's3cret')).method).toBe(
      'client_secret_basic',
    );
  });

  it('treats a client_id alone as a public client and nothing at all as invalid_client', () => {
    expect(readClientCredentials({ client_id: 'gh_app' }, undefined)).toEqual({
      clientId: 'gh_app',
      secret: null,
      method: 'none',
    });
    expect(() => readClientCredentials({}, undefined)).toThrow(InvalidClientError);
    expect(() => readClientCredentials({}, 'Basic bm9jb2xvbg==')).toThrow(InvalidClientError);
  });
});

describe('checking client credentials', () => {
  it('accepts the right secret and nothing else', () => {
    expect(clientMatches(client(), 's3cret', false)).toBe(true);
    expect(clientMatches(client(), 's3cret!', false)).toBe(false);
    expect(clientMatches(client(), null, true)).toBe(false);
    expect(clientMatches(null, 's3cret', false)).toBe(false);
  });

  it('never authenticates a disabled client', () => {
    expect(clientMatches(client({ disabled: true }), 's3cret', false)).toBe(false);
    expect(clientMatches(client({ secretHash: null, disabled: true }), null, true)).toBe(false);
  });

  it('accepts a public client without a secret only where public clients are allowed', () => {
    const pub = client({ secretHash: null });
    expect(clientMatches(pub, null, true)).toBe(true);
    expect(clientMatches(pub, null, false)).toBe(false);
    expect(clientMatches(pub, 'anything', true)).toBe(false);
  });
});
