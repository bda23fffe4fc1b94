import type { AuditFailureReporter } from '../audit/record.js';
import type { Config } from '../config.js';
import type { OidcContext } from '../oidc/issue.js';
import type { Stores } from '../ports/index.js';

/** What the token endpoints run against: built once per process, shared by every request. */
export interface TokenContext {
  stores: Stores;
  config: Pick<Config, 'accessTokenTtl' | 'refreshTokenTtl' | 'refreshGraceSeconds'>;
  /** Issues ID tokens for grants with `openid`; without it no ID token is ever issued. */
  oidc?: OidcContext;
  /** Where a security event's audit write (recorded after the fact) reports a failure. */
  reportAuditFailure: AuditFailureReporter;
}

/** Per-request facts the domain needs from the transport. */
export interface RequestMeta {
  /** Clock milliseconds, read once per request. */
  readonly now: number;
  /** Caller address, for audit events (may be a getter: only the rare audited paths read it). */
  readonly ip: string | null;
  /** The `Origin` header: set when browser code made the request (SEC-54). */
  readonly origin?: string | null;
}

/** How long a spent authorization code is remembered, so a replay is recognised (and revokes its tokens). */
export const CODE_REPLAY_RETAIN_SECONDS = 600;

export const toUnixSeconds = (ms: number): number => Math.floor(ms / 1000);
