/**
 * SEC-36: how much one person may create, so that one account (or one stolen session)
 * cannot fill the database or the cache. Checked before the write; a concurrent burst may
 * pass a limit by the few requests in flight, which bounds growth all the same.
 */
export const ACCOUNT_LIMITS = {
  /** Apps (clients) one user owns, from the console and the developer API together. */
  appsPerUser: 25,
  /** Active (unrevoked) developer tokens per user. */
  developerTokensPerUser: 25,
  /** Consent pages one browser session may have open (pending requests) at a time. */
  pendingConsentsPerSession: 20,
} as const;

/** Thrown by the create functions when the owner already holds `limit` of `what`. */
export class AccountLimitError extends Error {
  override readonly name = 'AccountLimitError';
  constructor(
    readonly what: 'apps' | 'developer tokens',
    readonly limit: number,
  ) {
    super(`you already have ${limit} ${what}, the most an account may hold; delete one first`);
  }
}
