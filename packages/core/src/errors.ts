/**
 * One class per OAuth error code (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; RFC 7009).
 * `redirectable = false` marks errors that must never be sent to a redirect URI
 * (the client or the URI itself is not trusted). One error handler per service
 * turns these into responses; anything else becomes a generic 5xx.
 */
export abstract class OAuthError extends Error {
  abstract readonly code: string;
  readonly status: number = 400;
  readonly redirectable: boolean = true;

  constructor(readonly description: string) {
    super(description);
  }

  get body(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export class InvalidRequestError extends OAuthError {
  readonly code = 'invalid_request';
}

/** Unknown client or failed client authentication. Token endpoint: 401. */
export class InvalidClientError extends OAuthError {
  readonly code = 'invalid_client';
  override readonly status = 401;
  override readonly redirectable = false;
}

/** The redirect URI is missing or not registered: shown as a page, never redirected to. */
export class InvalidRedirectUriError extends OAuthError {
  readonly code = 'invalid_request';
  override readonly redirectable = false;
}

export class InvalidGrantError extends OAuthError {
  readonly code = 'invalid_grant';
}

export class UnauthorizedClientError extends OAuthError {
  readonly code = 'unauthorized_client';
}

export class UnsupportedGrantTypeError extends OAuthError {
  readonly code = 'unsupported_grant_type';
}

export class UnsupportedResponseTypeError extends OAuthError {
  readonly code = 'unsupported_response_type';
}

export class UnsupportedTokenTypeError extends OAuthError {
  readonly code = 'unsupported_token_type';
}

export class InvalidScopeError extends OAuthError {
  readonly code = 'invalid_scope';
}

export class AccessDeniedError extends OAuthError {
  readonly code = 'access_denied';
}

export class LoginRequiredError extends OAuthError {
  readonly code = 'login_required';
}

export class ConsentRequiredError extends OAuthError {
  readonly code = 'consent_required';
}

/** OIDC Core §3.1.2.6: the `request` parameter (request objects) is not supported. */
export class RequestNotSupportedError extends OAuthError {
  readonly code = 'request_not_supported';
}

/** OIDC Core §3.1.2.6: the `request_uri` parameter is not supported. */
export class RequestUriNotSupportedError extends OAuthError {
  readonly code = 'request_uri_not_supported';
}

/** OIDC Core §3.1.2.6: the `registration` parameter is not supported. */
export class RegistrationNotSupportedError extends OAuthError {
  readonly code = 'registration_not_supported';
}

/** RFC 6750: the bearer token is missing-but-malformed, unknown, expired or revoked. */
export class InvalidTokenError extends OAuthError {
  readonly code = 'invalid_token';
  override readonly status = 401;
}

export class InsufficientScopeError extends OAuthError {
  readonly code = 'insufficient_scope';
  override readonly status = 403;
}

export class ServerError extends OAuthError {
  readonly code = 'server_error';
  override readonly status = 500;
}

export class TemporarilyUnavailableError extends OAuthError {
  readonly code = 'temporarily_unavailable';
  override readonly status = 503;
}

/** RFC 8628 §3.5: the user has not decided yet; poll again after the interval. */
export class AuthorizationPendingError extends OAuthError {
  readonly code = 'authorization_pending';
}

/** RFC 8628 §3.5: polled too fast; the interval has grown by 5 seconds. */
export class SlowDownError extends OAuthError {
  readonly code = 'slow_down';
}

/** RFC 8628 §3.5: the device code expired; start a new device authorization. */
export class ExpiredTokenError extends OAuthError {
  readonly code = 'expired_token';
}
