import type { FieldProblem, Validation } from '../accounts/problems.js';
import { redirectUriProblem } from '../oauth/redirect-uri.js';
import type { Client } from '../ports/clients.js';
import type { SigningAlg } from '../ports/signing-keys.js';
import { SIGNING_ALGS } from './key-schedule.js';

export const MAX_POST_LOGOUT_REDIRECT_URIS = 10;

/** A client's OpenID Connect registration fields as an API sends them (OIDC Registration §2). */
export interface OidcClientSettingsInput {
  post_logout_redirect_uris?: unknown;
  id_token_signed_response_alg?: unknown;
}

export type OidcClientSettings = Partial<Pick<Client, 'postLogoutRedirectUris' | 'idTokenSignedResponseAlg'>>;

/**
 * Checks the OpenID Connect fields of a client registration or update: post-logout redirect
 * URIs follow the redirect-URI rules (SEC-21) and are matched exactly later (SEC-47); the
 * ID-token alg is RS256 or ES256. Absent fields stay absent (unchanged on update). Every
 * problem is named with its field (`post_logout_redirect_uris[1]`), so a form can show it
 * next to the right input.
 */
export function validateOidcClientSettings(
  input: OidcClientSettingsInput,
  options: { development: boolean },
): Validation<OidcClientSettings> {
  const problems: FieldProblem[] = [];
  const value: OidcClientSettings = {};
  const uris = input.post_logout_redirect_uris;
  if (uris !== undefined) {
    if (!Array.isArray(uris) || uris.some((u) => typeof u !== 'string')) {
      problems.push({ field: 'post_logout_redirect_uris', message: 'must be an array of URLs' });
    } else if (uris.length > MAX_POST_LOGOUT_REDIRECT_URIS) {
      problems.push({
        field: 'post_logout_redirect_uris',
        message: `must contain at most ${MAX_POST_LOGOUT_REDIRECT_URIS} URIs`,
      });
    } else {
      const before = problems.length;
      (uris as string[]).forEach((uri, index) => {
        const problem = redirectUriProblem(uri, options);
        if (problem)
          problems.push({ field: `post_logout_redirect_uris[${index}]`, message: `"${uri}" ${problem}` });
      });
      if (problems.length === before) value.postLogoutRedirectUris = [...new Set(uris as string[])];
    }
  }
  const alg = input.id_token_signed_response_alg;
  if (alg !== undefined) {
    if (!(SIGNING_ALGS as readonly unknown[]).includes(alg)) {
      problems.push({
        field: 'id_token_signed_response_alg',
        message: `must be one of ${SIGNING_ALGS.join(', ')}`,
      });
    } else {
      value.idTokenSignedResponseAlg = alg as SigningAlg;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

/** `validateOidcClientSettings` for APIs that answer with one message. */
export function readOidcClientSettings(
  input: OidcClientSettingsInput,
  options: { development: boolean },
): { ok: true; value: OidcClientSettings } | { ok: false; problem: string } {
  const checked = validateOidcClientSettings(input, options);
  if (checked.ok) return checked;
  return { ok: false, problem: checked.problems.map((p) => `${p.field} ${p.message}`).join('; ') };
}
