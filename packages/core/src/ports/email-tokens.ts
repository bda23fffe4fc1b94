/** What a one-time mail link is for. */
export type EmailTokenPurpose = 'verify_email' | 'reset_password';

export interface EmailTokenRecord {
  userId: number;
  purpose: EmailTokenPurpose;
  /** The address the link was mailed to. */
  email: string;
  expiresAt: Date;
}

export interface NewEmailToken extends EmailTokenRecord {
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  tokenHash: string;
}

/** One-time tokens sent by mail (SEC-62). */
export interface EmailTokenStore {
  /**
   * Stores the token and, in the same transaction, spends every earlier unused token of
   * the same user and purpose: only the newest link works.
   */
  issue(token: NewEmailToken, now: Date): Promise<void>;
  /** The live token (unused, unexpired at `now`) of this purpose, without spending it. */
  peek(tokenHash: string, purpose: EmailTokenPurpose, now: Date): Promise<EmailTokenRecord | null>;
  /** Spends the live token in one statement: of concurrent callers exactly one gets it. */
  consume(tokenHash: string, purpose: EmailTokenPurpose, now: Date): Promise<EmailTokenRecord | null>;
}
