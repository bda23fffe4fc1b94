import type { ChargeSuggestion } from '../charges/allowance.js';
import type { Client } from '../ports/clients.js';
import { checkChargeSuggestion } from './check-charge.js';
import { checkOpenIdParameters, type OpenIdRequest } from './check-openid.js';
import { checkPkce } from './check-pkce.js';
import { checkPrompt, type Prompt, readAutoAuthorize } from './check-prompt.js';
import { checkResponseType } from './check-response-type.js';
import { checkScope } from './check-scope.js';
import { checkState } from './check-state.js';
import { checkRepeatedParameters, type RawAuthorizationRequest } from './parameters.js';

/** An authorization request whose every parameter passed its step. */
export interface AuthorizationRequest {
  client: Client;
  redirectUri: string;
  responseType: 'code';
  scopes: string[];
  /** Null only when omitted alongside an S256 challenge (SEC-40). */
  state: string | null;
  codeChallenge: string | null;
  prompt: Prompt;
  autoAuthorize: boolean;
  /** OpenID Connect's parameters (read whether or not `openid` is asked). */
  openid: OpenIdRequest;
  /** The allowance `charge_limit`/`charge_period` suggest; null when neither was sent. */
  chargeSuggestion: ChargeSuggestion | null;
}

/**
 * The redirectable steps, in order, for a request whose client (`checkClient`) and
 * redirect URI (`checkRedirectUri`) are already established. Each throws an OAuthError
 * that the caller redirects to `redirectUri`.
 */
export function validateAuthorizationParameters(
  raw: RawAuthorizationRequest,
  client: Client,
  redirectUri: string,
  money: { quotaPerUnit: bigint },
): AuthorizationRequest {
  checkRepeatedParameters(raw);
  const responseType = checkResponseType(raw);
  const scopes = checkScope(raw, client);
  const state = checkState(raw);
  const codeChallenge = checkPkce(raw, client);
  const prompt = checkPrompt(raw);
  const openid = checkOpenIdParameters(raw);
  const chargeSuggestion = checkChargeSuggestion(raw, scopes, money.quotaPerUnit);
  return {
    client,
    redirectUri,
    responseType,
    scopes,
    state,
    codeChallenge,
    prompt,
    autoAuthorize: readAutoAuthorize(raw),
    openid,
    chargeSuggestion,
  };
}
