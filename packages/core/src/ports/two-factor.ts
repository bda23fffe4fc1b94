/** A user's authenticator-app (TOTP) factor. */
export interface TotpFactor {
  userId: number;
  /** The base32 secret as a compact JWE under the key-encryption key (SEC-65); never in clear. */
  encryptedSecret: string;
  /** Null while enrolment waits for the first code: an unconfirmed factor protects nothing. */
  confirmedAt: Date | null;
  /** The newest RFC 6238 time step accepted; a code of this step or older is refused (SEC-66). */
  lastUsedStep: number | null;
  createdAt: Date;
}

export interface TwoFactorStatus {
  /** A confirmed TOTP factor exists: sign-in asks for a second factor. */
  totp: boolean;
  recoveryCodesLeft: number;
}

/** Second factors (SEC-65..SEC-67). Recovery codes are stored as SHA-256 only. */
export interface TwoFactorStore {
  /**
   * Starts (or restarts) enrolment with an unconfirmed secret. False, and nothing changes,
   * while a confirmed factor exists: it must be removed first.
   */
  beginTotp(userId: number, encryptedSecret: string, now: Date): Promise<boolean>;
  findTotp(userId: number): Promise<TotpFactor | null>;
  /**
   * Confirms the unconfirmed secret with the step of its first code and replaces the user's
   * recovery codes by `recoveryCodeHashes`, in one transaction. False when there is no
   * unconfirmed secret (already confirmed, or removed meanwhile).
   */
  confirmTotp(
    userId: number,
    step: number,
    recoveryCodeHashes: readonly string[],
    now: Date,
  ): Promise<boolean>;
  /**
   * Records `step` as used, in one statement, only when it is newer than the last used one:
   * of two sign-ins with the same code exactly one gets true (replay protection).
   */
  useTotpStep(userId: number, step: number): Promise<boolean>;
  /** Spends an unused recovery code of this user in one statement: true for exactly one caller. */
  useRecoveryCode(userId: number, codeHash: string, now: Date): Promise<boolean>;
  status(userId: number): Promise<TwoFactorStatus>;
  /** Deletes the TOTP factor and every recovery code. True when there was a factor. */
  remove(userId: number): Promise<boolean>;
}
