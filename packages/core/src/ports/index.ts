import type { AccessTokenStore } from './access-tokens.js';
import type { AuditStore } from './audit.js';
import type { ChargeStore } from './charges.js';
import type { ClientStore } from './clients.js';
import type { AuthorizationCodeStore } from './codes.js';
import type { DeveloperTokenStore } from './developer-tokens.js';
import type { DeviceGrantStore } from './device-grants.js';
import type { EmailTokenStore } from './email-tokens.js';
import type {
  ExpiringStore,
  PendingAuthorizationRequest,
  PendingLogin,
  SessionData,
  WebAuthnChallenge,
} from './expiring.js';
import type { GrantStore } from './grants.js';
import type { JobQueue } from './jobs.js';
import type { LedgerStore } from './ledger.js';
import type { PasskeyStore } from './passkeys.js';
import type { RateLimitStore } from './rate-limits.js';
import type { RefreshTokenStore } from './refresh-tokens.js';
import type { RetentionStore } from './retention.js';
import type { SigningKeyStore } from './signing-keys.js';
import type { StampStore } from './stamps.js';
import type { TopupCodeStore } from './topup-codes.js';
import type { TwoFactorStore } from './two-factor.js';
import type { UserinfoReader } from './userinfo.js';
import type { UserStore } from './users.js';
import type { WebhookStore } from './webhooks.js';

export type * from './access-tokens.js';
export type * from './audit.js';
export type * from './charges.js';
export type * from './clients.js';
export type * from './codes.js';
export type * from './developer-tokens.js';
export type * from './device-grants.js';
export type * from './email-tokens.js';
export type * from './expiring.js';
export type * from './grants.js';
export type * from './jobs.js';
export type * from './ledger.js';
export type * from './passkeys.js';
export type * from './rate-limits.js';
export type * from './refresh-tokens.js';
export type * from './retention.js';
export type * from './signing-keys.js';
export type * from './stamps.js';
export type * from './topup-codes.js';
export type * from './two-factor.js';
export type * from './userinfo.js';
export type * from './users.js';
export type * from './webhooks.js';

/** Durable state: Postgres (or embedded PGlite). */
export interface DurableStores {
  users: UserStore;
  clients: ClientStore;
  grants: GrantStore;
  refreshTokens: RefreshTokenStore;
  ledger: LedgerStore;
  /** Apps charging a user's balance within an allowance (holds, captures, refunds). */
  charges: ChargeStore;
  topupCodes: TopupCodeStore;
  developerTokens: DeveloperTokenStore;
  /** One-time links sent by mail: e-mail verification and password reset. */
  emailTokens: EmailTokenStore;
  /** Second factors: the TOTP secret and recovery codes. */
  twoFactor: TwoFactorStore;
  /** WebAuthn credentials: a second factor and passwordless sign-in. */
  passkeys: PasskeyStore;
  audit: AuditStore;
  userinfo: UserinfoReader;
  /** ID-token signing keys (OpenID Connect). */
  signingKeys: SigningKeyStore;
  /** Webhook endpoints and the outbox of events to deliver. */
  webhooks: WebhookStore;
  /** Deletes records that ended, for the retention job (SEC-96). */
  retention: RetentionStore;
  /** Throws `StoreUnavailableError` when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Short-lived state: Redis (or the in-memory implementation). */
export interface CacheStores {
  sessions: ExpiringStore<SessionData>;
  pendingRequests: ExpiringStore<PendingAuthorizationRequest>;
  /** Sign-ins waiting for their second factor. */
  pendingLogins: ExpiringStore<PendingLogin>;
  /** WebAuthn challenges, each taken once by the response that answers it. */
  webauthnChallenges: ExpiringStore<WebAuthnChallenge>;
  codes: AuthorizationCodeStore;
  /** Device authorizations in progress (RFC 8628). */
  deviceGrants: DeviceGrantStore;
  accessTokens: AccessTokenStore;
  rateLimits: RateLimitStore;
  /** Version stamps (e.g. of cached clients) and one-time markers. */
  stamps: StampStore;
  /** Throws `StoreUnavailableError` when the cache cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Stores {
  db: DurableStores;
  cache: CacheStores;
  /** The durable job queue, in processes that opened one (servers; not every test). */
  jobs?: JobQueue;
}
