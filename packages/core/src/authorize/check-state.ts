import { InvalidRequestError } from '../errors.js';
import type { RawAuthorizationRequest } from './parameters.js';

export const MAX_STATE_LENGTH = 512;

/** RFC 6749 Appendix A.5: `state` is VSCHAR (printable ASCII, space included). */
const STATE = /^[\x20-\x7E]+$/;

/** Why `state` is unacceptable, or null when it is fine. */
function stateProblem(raw: RawAuthorizationRequest): string | null {
  if (raw.repeated.has('state')) return 'state must not be repeated';
  const state = raw.params.state;
  if (state === undefined) return 'the request has no state';
  if (state.length > MAX_STATE_LENGTH) return `state must be at most ${MAX_STATE_LENGTH} characters`;
  if (!STATE.test(state)) return 'state must be printable ASCII characters';
  return null;
}

/**
 * True when the request carries an S256 PKCE challenge. Then the challenge protects the
 * redirect against CSRF and `state` may be omitted (RFC 9700 §2.1.1, SEC-40); checkPkce,
 * the next step, refuses a malformed challenge.
 */
export function hasS256Challenge(raw: RawAuthorizationRequest): boolean {
  return raw.params.code_challenge !== undefined && raw.params.code_challenge_method === 'S256';
}

/**
 * Step 5: `state`, 1–512 printable ASCII characters, echoed back unchanged. Required unless
 * the request carries an S256 `code_challenge` (SEC-40); null when omitted then.
 */
export function checkState(raw: RawAuthorizationRequest): string | null {
  if (raw.params.state === undefined && !raw.repeated.has('state') && hasS256Challenge(raw)) return null;
  const problem = stateProblem(raw);
  if (problem) throw new InvalidRequestError(problem);
  return raw.params.state!;
}

/**
 * The state to echo on an error redirect: the client's exact value when it is valid,
 * otherwise nothing (a missing, repeated, over-long or non-ASCII state is not echoed).
 */
export function echoableState(raw: RawAuthorizationRequest): string | null {
  return stateProblem(raw) === null ? raw.params.state! : null;
}
