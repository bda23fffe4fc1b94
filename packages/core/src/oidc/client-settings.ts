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
 * ID-token alg is RS256 or ES256. Absent fields stay absent (unchanged on update).
 */
export function readOidcClientSettings(
  input: OidcClientSettingsInput,
  options: { development: boolean },
): { ok: true; value: OidcClientSettings } | { ok: false; problem: string } {
  const value: OidcClientSettings = {};
  const uris = input.post_logout_redirect_uris;
  if (uris !== undefined) {
    if (!Array.isArray(uris) || uris.some((u) => typeof u !== 'string')) {
      return { ok: false, problem: 'post_logout_redirect_uris must be an array of URLs' };
    }
    if (uris.length > MAX_POST_LOGOUT_REDIRECT_URIS) {
      return { ok: false, problem: `at most ${MAX_POST_LOGOUT_REDIRECT_URIS} post_logout_redirect_uris` };
    }
    for (const uri of uris as string[]) {
      const problem = redirectUriProblem(uri, options);
      if (problem) return { ok: false, problem: `post_logout_redirect_uris: ${problem}` };
    }
    value.postLogoutRedirectUris = [...new Set(uris as string[])];
  }
  const alg = input.id_token_signed_response_alg;
  if (alg !== undefined) {
    if (!(SIGNING_ALGS as readonly unknown[]).includes(alg)) {
      return { ok: false, problem: `id_token_signed_response_alg must be one of ${SIGNING_ALGS.join(', ')}` };
    }
    value.idTokenSignedResponseAlg = alg as SigningAlg;
  }
  return { ok: true, value };
}
