/** A key-value store whose entries vanish after their TTL (sessions, pending authorization requests). */
export interface ExpiringStore<T> {
  put(key: string, value: T, ttlSeconds: number): Promise<void>;
  get(key: string): Promise<T | null>;
  /** Reads and deletes in one atomic step: of concurrent takers, exactly one gets the value. */
  take(key: string): Promise<T | null>;
  delete(key: string): Promise<void>;
}

export interface SessionData {
  userId: number;
  /** Per-session CSRF secret for the synchronizer-token pattern. */
  csrfToken: string;
  /** Unix seconds of the last password check (for `prompt=login` and `max_age`). */
  authTime: number;
  /** The user's session epoch at sign-in; a password change or reset raises it and ends the session (SEC-63). */
  epoch?: number;
  /**
   * How the sign-in was authenticated (RFC 8176 values, `pwd`, `otp`), for the ID token's
   * `amr`. Absent in sessions from before two-factor sign-in: read as `["pwd"]`.
   */
  amr?: string[];
}

/**
 * A sign-in whose password was right and which waits for its second factor (SEC-70).
 * Keyed by the SHA-256 of a random cookie value only this browser holds.
 */
export interface PendingLogin {
  userId: number;
  /** The user's session epoch at the password check: a password change meanwhile ends it. */
  epoch: number;
  /** The device cookie was recognised at the password step. */
  recognisedDevice: boolean;
  /** The account-wide delay the password step waited (for the audit event). */
  delayMs: number;
}

/** An authorization request that passed validation and waits for the user's consent decision. */
export interface PendingAuthorizationRequest {
  userId: number;
  /** Internal client id. */
  clientId: number;
  redirectUri: string;
  scopes: string[];
  /** Null when omitted alongside an S256 challenge. */
  state: string | null;
  codeChallenge: string | null;
  autoAuthorize: boolean;
  /** OpenID Connect nonce, carried to the code (absent in requests stored before OIDC). */
  nonce?: string | null;
}

/** A WebAuthn ceremony in progress: the challenge its response must sign (SEC-72). */
export interface WebAuthnChallenge {
  challenge: string;
  purpose: 'register' | 'authenticate';
  /** The user registering, or the user of the pending sign-in; null for passwordless sign-in. */
  userId: number | null;
  /** Registration: the name the user gave the new passkey. */
  name?: string;
}
