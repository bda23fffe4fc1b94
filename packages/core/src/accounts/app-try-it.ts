import { randomId, randomToken } from '../crypto.js';
import { isPublicClient } from '../oauth/client-type.js';
import { s256 } from '../oauth/pkce.js';
import type { Client } from '../ports/clients.js';

/** What a developer picks in the console's Try it panel. */
export interface TryItChoice {
  redirectUri: string;
  scopes: string[];
  autoAuthorize: boolean;
}

/** The authorization request a developer can copy (Try it): fresh state and PKCE pair every time. */
export interface TryItResult {
  url: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
  scope: string;
  tokenRequest: string;
}

type TryItClient = Pick<Client, 'clientId' | 'redirectUris' | 'allowedScopes' | 'tokenEndpointAuthMethod'>;

/** What the panel shows before anything is picked: the first registered redirect URI and `profile`. */
export function defaultTryItChoice(client: Pick<Client, 'redirectUris'>): TryItChoice {
  return { redirectUri: client.redirectUris[0] ?? '', scopes: ['profile'], autoAuthorize: false };
}

/**
 * Checks a Try it request against the app: only a registered redirect URI (no URI: the first
 * one), only scopes the app may ask for (kept in the app's order, unknown ones dropped), and at
 * least one of them. The choice comes back either way, so the panel can show what was picked.
 */
export function checkTryItChoice(
  client: Pick<Client, 'redirectUris' | 'allowedScopes'>,
  asked: { redirectUri: string | undefined; scopes: readonly string[]; autoAuthorize: boolean },
): { choice: TryItChoice; problem: string | null } {
  const redirectUri = asked.redirectUri ?? client.redirectUris[0] ?? '';
  const scopes = client.allowedScopes.filter((scope) => asked.scopes.includes(scope));
  const choice = { redirectUri, scopes, autoAuthorize: asked.autoAuthorize };
  if (!client.redirectUris.includes(redirectUri)) {
    return { choice, problem: 'Choose one of the registered redirect URIs.' };
  }
  if (scopes.length === 0) return { choice, problem: 'Choose at least one scope.' };
  return { choice, problem: null };
}

/**
 * The authorization URL for a checked choice, with a fresh state and S256 PKCE pair, and the
 * token request that redeems its code (a public client sends no secret, SEC-50).
 */
export function buildTryIt(issuer: string, client: TryItClient, choice: TryItChoice): TryItResult {
  const state = randomId(16);
  const codeVerifier = randomToken('');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: choice.redirectUri,
    scope: choice.scopes.join(' '),
    state,
    code_challenge: s256(codeVerifier),
    code_challenge_method: 'S256',
  });
  if (choice.autoAuthorize) params.set('auto_authorize', 'true');
  const tokenRequest = [
    `curl -X POST ${issuer}/api/oauth2/token \\`,
    '  -d grant_type=authorization_code \\',
    '  -d code=<the code from the redirect> \\',
    `  --data-urlencode redirect_uri=${choice.redirectUri} \\`,
    `  -d client_id=${client.clientId} \\`,
    ...(isPublicClient(client) ? [] : ['  -d client_secret=<your client secret> \\']),
    `  -d code_verifier=${codeVerifier}`,
  ].join('\n');
  return {
    // `+` would also mean a space here, but %20 survives being pasted into any tool.
    url: `${issuer}/api/oauth2/authorize?${params.toString().replace(/\+/g, '%20')}`,
    state,
    codeVerifier,
    redirectUri: choice.redirectUri,
    scope: choice.scopes.join(' '),
    tokenRequest,
  };
}
