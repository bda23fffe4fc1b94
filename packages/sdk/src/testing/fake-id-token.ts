import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';

/** The fake provider's OpenID Connect half: one RS256 key, its JWKS, and ID tokens it signs. */
export function fakeIdTokens(issuer: string, subject: () => string) {
  const KID = 'fake-1';
  const keys = generateKeyPair('RS256', { extractable: true });
  return {
    async jwks() {
      const jwk = await exportJWK((await keys).publicKey);
      return { keys: [{ ...jwk, kid: KID, alg: 'RS256', use: 'sig' }] };
    },
    async sign(clientId: string, nonce: string | null): Promise<string> {
      const { privateKey } = await keys;
      return new SignJWT({
        azp: clientId,
        auth_time: Math.floor(Date.now() / 1000),
        ...(nonce ? { nonce } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid: KID })
        .setIssuer(issuer)
        .setSubject(subject())
        .setAudience(clientId)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey as CryptoKey);
    },
  };
}
