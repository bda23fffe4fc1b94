import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, type JWK } from 'jose';

/** A 256-bit AES key derived from the configured secret (any length ≥ 32 characters). */
export type KeyEncryptionKey = Uint8Array;

/** What a derived key protects: each purpose gets its own key from the one configured secret. */
export const KEY_PURPOSE = {
  signingKeys: 'gatehouse id-token signing keys v1',
  totpSecrets: 'gatehouse totp secrets v1',
} as const;

export function deriveKeyEncryptionKey(
  secret: string,
  purpose: string = KEY_PURPOSE.signingKeys,
): KeyEncryptionKey {
  return new Uint8Array(hkdfSync('sha256', secret, 'gatehouse', purpose, 32));
}

/**
 * A secret at rest: a compact JWE (`dir`, A256GCM) under `kek`, with `kid` (what the
 * secret belongs to) in the integrity-protected header, so a ciphertext copied onto another
 * row does not decrypt as that row's secret.
 */
export async function encryptBoundSecret(
  plaintext: string,
  kid: string,
  contentType: string,
  kek: KeyEncryptionKey,
): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, cty: contentType })
    .encrypt(kek);
}

export async function decryptBoundSecret(jwe: string, kid: string, kek: KeyEncryptionKey): Promise<string> {
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, kek);
  if (protectedHeader.kid !== kid) throw new Error('the encrypted secret belongs to another kid');
  return new TextDecoder().decode(plaintext);
}

/**
 * SEC-42: a private signing key at rest is a compact JWE (`dir`, A256GCM) under the
 * key-encryption key, with its `kid` in the integrity-protected header, so a ciphertext
 * copied onto another key's row does not decrypt as that key.
 */
export async function encryptPrivateJwk(jwk: JWK, kid: string, kek: KeyEncryptionKey): Promise<string> {
  return encryptBoundSecret(JSON.stringify(jwk), kid, 'jwk+json', kek);
}

export async function decryptPrivateJwk(jwe: string, kid: string, kek: KeyEncryptionKey): Promise<JWK> {
  return JSON.parse(await decryptBoundSecret(jwe, kid, kek)) as JWK;
}
