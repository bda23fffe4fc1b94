import {
  InvalidRequestError,
  RegistrationNotSupportedError,
  RequestNotSupportedError,
  RequestUriNotSupportedError,
} from '../errors.js';
import { isSafeText } from '../input/safe-text.js';
import type { RawAuthorizationRequest } from './parameters.js';

/** The OpenID Connect parameters of an authorization request (OIDC Core §3.1.2.1). */
export interface OpenIdRequest {
  /** Bound to the code and echoed in the ID token exactly (SEC-44); null when not sent. */
  nonce: string | null;
  /** Seconds: an older sign-in must be repeated. Null when not sent. */
  maxAge: number | null;
  /** Prefills the login form's username (`loginHintPrefill`); never signs anyone in. */
  loginHint: string | null;
  /** Accepted; the pages are in one language. */
  uiLocales: string | null;
}

export const MAX_NONCE_LENGTH = 512;
const PRINTABLE = /^[\x20-\x7E]+$/;
const MAX_AGE = /^\d{1,9}$/;

/**
 * Step 8: OpenID Connect's parameters. Request objects, `request_uri`, `registration` and the
 * `claims` parameter are refused with their own errors (discovery says
 * `request_parameter_supported: false`, `claims_parameter_supported: false`) rather than
 * silently ignored, so a client relying on them learns at once.
 */
export function checkOpenIdParameters(raw: RawAuthorizationRequest): OpenIdRequest {
  const { params } = raw;
  if (params.request !== undefined) throw new RequestNotSupportedError('request objects are not supported');
  if (params.request_uri !== undefined) {
    throw new RequestUriNotSupportedError('request_uri is not supported');
  }
  if (params.registration !== undefined) {
    throw new RegistrationNotSupportedError('the registration parameter is not supported');
  }
  if (params.claims !== undefined) throw new InvalidRequestError('the claims parameter is not supported');
  const nonce = params.nonce ?? null;
  if (nonce !== null && (nonce.length > MAX_NONCE_LENGTH || !PRINTABLE.test(nonce))) {
    throw new InvalidRequestError(`nonce must be 1–${MAX_NONCE_LENGTH} printable ASCII characters`);
  }
  const rawMaxAge = params.max_age;
  if (rawMaxAge !== undefined && !MAX_AGE.test(rawMaxAge)) {
    throw new InvalidRequestError('max_age must be a whole number of seconds');
  }
  const loginHint = params.login_hint ?? null;
  const uiLocales = params.ui_locales ?? null;
  if ((loginHint?.length ?? 0) > 256 || (uiLocales?.length ?? 0) > 256) {
    throw new InvalidRequestError('login_hint and ui_locales must be at most 256 characters');
  }
  return { nonce, maxAge: rawMaxAge === undefined ? null : Number(rawMaxAge), loginHint, uiLocales };
}

/** What the login form's username field may hold: its length limit. */
export const MAX_LOGIN_HINT_PREFILL = 254;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * The login form's username, prefilled from an authorization request's `login_hint` (OIDC
 * Core §3.1.2.1): the hint when it could be typed into that field (a username or e-mail
 * address: one line, at most MAX_LOGIN_HINT_PREFILL characters), else nothing. It is only a
 * suggestion the person can change: the password decides who signs in.
 */
export function loginHintPrefill(hint: string | null | undefined): string {
  if (typeof hint !== 'string') return '';
  const value = hint.trim();
  return value.length <= MAX_LOGIN_HINT_PREFILL && !CONTROL.test(value) && isSafeText(value) ? value : '';
}

/**
 * True when the sign-in behind a session is too old for `max_age` (OIDC Core §3.1.2.1):
 * more than `maxAge` seconds ago. `max_age=0` therefore always asks for the password again
 * (the request coming back from that sign-in no longer carries max_age).
 */
export function signInTooOld(authTime: number, maxAge: number | null, nowSeconds: number): boolean {
  return maxAge !== null && (maxAge === 0 || nowSeconds - authTime > maxAge);
}
