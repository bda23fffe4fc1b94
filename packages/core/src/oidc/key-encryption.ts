import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, type JWK } from 'jose';

/** A 256-bit AES key derived from the configured secret (any length ≥ 32 characters). */
export type KeyEncryptionKey = Uint8Array;

export function deriveKeyEncryptionKey(secret: string): KeyEncryptionKey {
  return new Uint8Array(hkdfSync('sha256', secret, 'gatehouse', 'gatehouse id-token signing keys v1', 32));
}

/**
 * SEC-42: a private signing key at rest is a compact JWE (`dir`, A256GCM) under the
 * key-encryption key, with its `kid` in the integrity-protected header, so a ciphertext
 * copied onto another key's row does not decrypt as that key.
 */
export async function encryptPrivateJwk(jwk: JWK, kid: string, kek: KeyEncryptionKey): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, cty: 'jwk+json' })
    .encrypt(kek);
}

export async function decryptPrivateJwk(jwe: string, kid: string, kek: KeyEncryptionKey): Promise<JWK> {
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, kek);
  if (protectedHeader.kid !== kid) throw new Error('the encrypted signing key belongs to another kid');
  return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
}
