/**
 * Every error the SDK throws is a `GatehouseError`; catch the subclasses you want to
 * handle (most apps only need `SignInRequiredError`: send the user to sign in again).
 */
export class GatehouseError extends Error {
  override name = 'GatehouseError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Gatehouse answered with an OAuth error (RFC 6749 §5.2, §4.1.2.1; RFC 6750 §3.1), or
 * with an unexpected non-2xx response. `status` is the HTTP status; it is `undefined`
 * for errors that arrived on the authorization callback (a browser redirect).
 */
export class OAuthResponseError extends GatehouseError {
  override name = 'OAuthResponseError';

  constructor(
    /** The OAuth error code, e.g. `invalid_grant`, `access_denied`, `insufficient_scope`. */
    readonly error: string,
    /** Human-readable detail from Gatehouse, when it sent one. */
    readonly errorDescription: string | undefined,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(errorDescription ? `${error}: ${errorDescription}` : error, options);
  }

  /** The wire name of `errorDescription`, for code written against the integration guide. */
  get error_description(): string | undefined {
    return this.errorDescription;
  }
}

/** Why a session has no usable tokens any more. */
export type SignInRequiredReason =
  /** Nothing stored under this session key (never logged in, logged out, or cleared). */
  | 'no_tokens'
  /** The refresh token was refused (`invalid_grant`): revoked, rotated elsewhere, or expired. */
  | 'refresh_rejected'
  /** The refresh token's absolute lifetime is over, or there is none and the access token expired. */
  | 'refresh_token_expired';

/**
 * The user has to sign in again. The session's tokens have already been cleared from
 * the store; send the user to your login route (or answer 401 to your frontend). Named apart
 * from the OAuth error `login_required` (a `prompt=none` request that needs a sign-in), which
 * reaches an app as an `OAuthResponseError`.
 */
export class SignInRequiredError extends GatehouseError {
  override name = 'SignInRequiredError';

  constructor(
    readonly reason: SignInRequiredReason,
    options?: { cause?: unknown },
  ) {
    super(
      reason === 'no_tokens'
        ? 'login required: no tokens are stored for this session'
        : reason === 'refresh_rejected'
          ? 'login required: Gatehouse refused the refresh token (revoked or expired)'
          : 'login required: the refresh token has expired',
      options,
    );
  }
}

/** @deprecated The same class under its first name: `instanceof LoginRequiredError` keeps working. */
export const LoginRequiredError = SignInRequiredError;
/** @deprecated See `SignInRequiredError`. */
export type LoginRequiredError = SignInRequiredError;
/** @deprecated See `SignInRequiredReason`. */
export type LoginRequiredReason = SignInRequiredReason;

/**
 * The callback's `state` is missing or differs from the one saved when login started:
 * the response does not belong to this browser's login attempt (CSRF, a stale tab, or
 * a lost session). Start the login again.
 */
export class StateMismatchError extends GatehouseError {
  override name = 'StateMismatchError';

  constructor() {
    super('the state in the authorization response does not match the one saved for this login attempt');
  }
}

/**
 * An issuer check failed: the callback's `iss` (RFC 9207) or the metadata document's
 * `issuer` (RFC 8414) is not the configured issuer — a mix-up attack or a wrong
 * `issuer` setting.
 */
export class IssuerMismatchError extends GatehouseError {
  override name = 'IssuerMismatchError';

  constructor(
    readonly expected: string,
    readonly received: string | undefined,
    where: 'authorization response' | 'metadata',
  ) {
    super(
      received === undefined
        ? `the ${where} carries no issuer; expected ${expected}`
        : `the ${where} comes from issuer ${received}; expected ${expected}`,
    );
  }
}
