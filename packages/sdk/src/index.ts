/**
 * @gatehouse/sdk — server side. For the browser helper import `@gatehouse/sdk/browser`.
 */
export type { CallbackParams, SavedAuthorizationRequest } from './callback.js';
export {
  type AuthorizationRequest,
  type AuthorizationRequestOptions,
  createGatehouseClient,
  GatehouseClient,
} from './client.js';
export type { AuthorizationServerMetadata, GatehouseClientOptions } from './core.js';
export {
  DEVICE_CODE_GRANT_TYPE,
  type DeviceLoginOptions,
  type DevicePrompt,
  deviceLogin,
} from './device-login.js';
export {
  GatehouseError,
  IssuerMismatchError,
  LoginRequiredError,
  type LoginRequiredReason,
  OAuthResponseError,
  SignInRequiredError,
  type SignInRequiredReason,
  StateMismatchError,
} from './errors.js';
export type { FetchLike } from './http.js';
export type { IdTokenClaims } from './id-token.js';
export { type Balance, GatehouseSession, type Userinfo } from './session.js';
export { MemoryTokenStore, type TokenStore } from './store.js';
export { scopesOf, type TokenSet } from './tokens.js';
export { verifyWebhook, type WebhookEvent, WebhookVerificationError } from './webhooks.js';
