import type { Config } from '../config.js';
import { randomId, randomToken, sha256Hex, TOKEN_PREFIX } from '../crypto.js';
import type { AuthorizationCodeStore } from '../ports/index.js';
import { successRedirectUrl } from './response.js';

/** The signed-in user a browser flow acts for, as core needs them (never the session cookie). */
export interface SignedInUser {
  userId: number;
  /** Unix seconds of the sign-in behind the session (`auth_time`). */
  authTime: number;
  /** The ID token's `sid`: see `sessionSid`. */
  sid: string;
  /** The session's authentication methods, for the ID token's `amr` (SEC-71). */
  amr: string[];
}

/** What an authorization code is issued for: a validated request, or a pending one just approved. */
export interface CodeRequest {
  /** Internal client id. */
  clientId: number;
  redirectUri: string;
  scopes: readonly string[];
  state: string | null;
  codeChallenge: string | null;
  /** OpenID Connect nonce of the authorization request (SEC-44). */
  nonce: string | null;
}

export type IssueCodeConfig = Pick<Config, 'authCodeTtl' | 'issuer'>;

/**
 * The `sid` of a browser session: derived from the session's store key (itself the SHA-256
 * of the cookie), so it names the session without being a way to find or use it.
 */
export function sessionSid(sessionKey: string): string {
  return sha256Hex(`sid:${sessionKey}`).slice(0, 32);
}

/**
 * The authorization response (API.md §1): mints an authorization code — 256 random bits
 * behind the `gth_ac_` prefix — and returns the redirect that carries it to the client.
 * Only its SHA-256 is stored (TTL `authCodeTtl`), bound to the client, redirect URI, user,
 * scopes, PKCE challenge and a fresh token family; the token service redeems it with
 * sha256Hex(code).
 */
export async function issueCode(
  codes: Pick<AuthorizationCodeStore, 'put'>,
  config: IssueCodeConfig,
  user: SignedInUser,
  request: CodeRequest,
): Promise<string> {
  const code = randomToken(TOKEN_PREFIX.authorizationCode);
  await codes.put(
    sha256Hex(code),
    {
      clientId: request.clientId,
      userId: user.userId,
      redirectUri: request.redirectUri,
      scopes: [...request.scopes],
      codeChallenge: request.codeChallenge,
      familyId: randomId(),
      authTime: user.authTime,
      nonce: request.nonce,
      sid: user.sid,
      amr: [...user.amr],
    },
    config.authCodeTtl,
  );
  return successRedirectUrl(request.redirectUri, code, request.state, config.issuer);
}
