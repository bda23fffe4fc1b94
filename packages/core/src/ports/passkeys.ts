/** A WebAuthn credential (a passkey) registered to a user (SEC-65..SEC-72). */
export interface Passkey {
  id: number;
  userId: number;
  /** The credential id, base64url, as the authenticator reports it. */
  credentialId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The signature counter last seen (0 for authenticators that do not count). */
  counter: number;
  transports: string[];
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type NewPasskey = Pick<
  Passkey,
  'userId' | 'credentialId' | 'publicKey' | 'counter' | 'transports' | 'name'
>;

export interface PasskeyStore {
  /** Throws `DuplicateError` (field `credentialId`) when the credential is registered already. */
  add(passkey: NewPasskey, now: Date): Promise<Passkey>;
  listByUser(userId: number): Promise<Passkey[]>;
  findByCredentialId(credentialId: string): Promise<Passkey | null>;
  /**
   * Records a use in one statement: only when `counter` is above the stored one, or both are
   * 0 (an authenticator without a counter), so a cloned authenticator's replayed counter loses.
   */
  recordUse(credentialId: string, counter: number, now: Date): Promise<boolean>;
  remove(userId: number, id: number): Promise<boolean>;
  removeAll(userId: number): Promise<number>;
}
