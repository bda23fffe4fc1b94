/**
 * The authorization request (API.md §1) as an ordered list of small named steps:
 * checkClient → checkRedirectUri → (from here errors redirect) checkRepeatedParameters →
 * checkResponseType → checkScope → checkState → checkPkce → checkPrompt → checkOpenIdParameters →
 * checkChargeSuggestion →
 * (service: checkSession) → decideConsent → issueCode (skipped; a trusted client's automatic
 * consent recorded first by grantTrustedClient) or the consent page.
 * The consent form's answer: readConsentForm → consentAllowance → takeConsentRequest →
 * answerConsent (records the answer, then issueCode or the access_denied redirect).
 */
export * from './answer-consent.js';
export * from './check-charge.js';
export * from './check-client.js';
export * from './check-openid.js';
export * from './check-pkce.js';
export * from './check-prompt.js';
export * from './check-redirect-uri.js';
export * from './check-response-type.js';
export * from './check-scope.js';
export * from './check-state.js';
export * from './decide-consent.js';
export * from './issue-code.js';
export * from './parameters.js';
export * from './response.js';
export * from './validate.js';
