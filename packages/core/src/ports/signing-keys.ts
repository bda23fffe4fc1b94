/** The JWS algorithms ID tokens may be signed with; the first is the default. */
export type SigningAlg = 'RS256' | 'ES256';

/** One ID-token signing key as stored: the public half as a JWK, the private half encrypted. */
export interface SigningKeyRecord {
  /** Key id (`kid`), unique. */
  kid: string;
  alg: SigningAlg;
  /** The public JWK (with `kid`, `alg`, `use`). */
  publicJwk: Record<string, unknown>;
  /** The private JWK as a compact JWE under the key-encryption key (SEC-42). */
  encryptedPrivateJwk: string;
  createdAt: Date;
  /**
   * From when it signs: published before, so clients caching the JWKS know it first.
   * Of the keys of one alg, the one with the latest `activatesAt` not after now signs.
   */
  activatesAt: Date;
}

export interface SigningKeyStore {
  /** Every stored key, oldest activation first. */
  list(): Promise<SigningKeyRecord[]>;
  /** Stores a new key; a duplicate `kid` is a `DuplicateError`. */
  insert(key: SigningKeyRecord): Promise<void>;
  /** Removes keys whose every signed token has expired (the key ring asks, with `retiredKeys`); returns how many. */
  delete(kids: readonly string[]): Promise<number>;
}
