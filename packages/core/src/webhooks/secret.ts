import { hkdfSync, randomBytes } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The AES key for webhook secrets, derived from GATEHOUSE_KEY_ENCRYPTION_KEY apart from signing keys'. */
export function deriveWebhookSecretKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'gatehouse', 'gatehouse webhook secrets v1', 32));
}

/**
 * SEC-95: the secret at rest is a compact JWE (`dir`, A256GCM) bound to its client in the
 * protected header, so a ciphertext copied onto another app's row does not decrypt as its.
 */
export async function encryptWebhookSecret(
  secret: string,
  clientId: number,
  key: Uint8Array,
): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(secret))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: `client:${clientId}` })
    .encrypt(key);
}

export async function decryptWebhookSecret(jwe: string, clientId: number, key: Uint8Array): Promise<string> {
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, key);
  if (protectedHeader.kid !== `client:${clientId}`)
    throw new Error('the webhook secret belongs to another app');
  return new TextDecoder().decode(plaintext);
}
