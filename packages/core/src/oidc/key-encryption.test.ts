import { describe, expect, it } from 'vitest';
import { decryptPrivateJwk, deriveKeyEncryptionKey, encryptPrivateJwk } from './key-encryption.js';

describe('private signing keys at rest (SEC-42)', () => {
  const kek = deriveKeyEncryptionKey('k'.repeat(32));
  const jwk = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'secret-part' };

  it('round-trips under the same key and kid, and never stores the private part in clear', async () => {
    const jwe = await encryptPrivateJwk(jwk, 'kid-1', kek);
    expect(jwe).not.toContain('secret-part');
    expect(jwe.split('.')).toHaveLength(5);
    expect(await decryptPrivateJwk(jwe, 'kid-1', kek)).toEqual(jwk);
  });

  it('refuses another key-encryption key and a ciphertext moved to another kid', async () => {
    const jwe = await encryptPrivateJwk(jwk, 'kid-1', kek);
    await expect(decryptPrivateJwk(jwe, 'kid-1', deriveKeyEncryptionKey('o'.repeat(32)))).rejects.toThrow();
    await expect(decryptPrivateJwk(jwe, 'kid-2', kek)).rejects.toThrow('another kid');
  });
});
