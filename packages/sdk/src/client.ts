import { type CallbackParams, exchangeCallback, type SavedAuthorizationRequest } from './callback.js';
import { type AuthorizationServerMetadata, ClientCore, type GatehouseClientOptions } from './core.js';
import { randomToken, s256Challenge } from './crypto.js';
import { GatehouseSession } from './session.js';
import type { TokenStore } from './store.js';
import type { TokenSet } from './tokens.js';

export interface AuthorizationRequestOptions {
  /** Scopes to ask for: `"profile balance"` or `['profile', 'balance']`. Default both. */
  scope?: string | readonly string[];
  /** One-click login (`auto_authorize=true`): no consent page once the user has approved, or for trusted apps. */
  autoAuthorize?: boolean;
  /** `login` forces re-authentication, `consent` the consent page, `none` never shows a page. */
  prompt?: 'login' | 'consent' | 'none';
  /** Overrides the client's `redirectUri` (it must be registered too). */
  redirectUri?: string;
  /**
   * With the `charge` scope: the allowance to suggest (`charge_limit`, `charge_period`), e.g.
   * `{ limit: '5.00', period: 'month' }`. The user chooses the real one on the consent page.
   */
  suggestAllowance?: { limit?: string; period?: 'day' | 'week' | 'month' | 'total' };
}

/** Keep `state`, `codeVerifier` (and `redirectUri`) in your server-side session until the callback. */
export interface AuthorizationRequest {
  /** Send the browser here (302). */
  url: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
  /** With the `openid` scope: the nonce the ID token must carry (save it with `state`). */
  nonce?: string;
}

function scopeString(scope: AuthorizationRequestOptions['scope']): string {
  if (scope === undefined) return 'profile balance';
  return (typeof scope === 'string' ? scope.split(' ') : [...scope]).filter(Boolean).join(' ');
}

export class GatehouseClient {
  private readonly core: ClientCore;

  constructor(options: GatehouseClientOptions) {
    this.core = new ClientCore(options);
  }

  get issuer(): string {
    return this.core.issuer;
  }

  get clientId(): string {
    return this.core.clientId;
  }

  get redirectUri(): string {
    return this.core.redirectUri;
  }

  /** The provider's metadata document (fetched once, cached; its `issuer` is checked). */
  metadata(): Promise<AuthorizationServerMetadata> {
    return this.core.metadata();
  }

  /**
   * Builds the authorization URL with a fresh `state` and a PKCE (S256) verifier, 256
   * bits of CSPRNG randomness each. Save `state` and `codeVerifier` server-side, then
   * redirect the browser to `url`.
   */
  async createAuthorizationRequest(options: AuthorizationRequestOptions = {}): Promise<AuthorizationRequest> {
    const metadata = await this.core.metadata();
    const redirectUri = options.redirectUri ?? this.core.redirectUri;
    const state = randomToken();
    const codeVerifier = randomToken();
    const url = new URL(metadata.authorization_endpoint);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: this.core.clientId,
      redirect_uri: redirectUri,
      scope: scopeString(options.scope),
      state,
      code_challenge: s256Challenge(codeVerifier),
      code_challenge_method: 'S256',
    };
    if (options.autoAuthorize) params.auto_authorize = 'true';
    if (options.prompt) params.prompt = options.prompt;
    if (options.suggestAllowance?.limit) params.charge_limit = options.suggestAllowance.limit;
    if (options.suggestAllowance?.period) params.charge_period = options.suggestAllowance.period;
    const nonce = scopeString(options.scope).split(' ').includes('openid') ? randomToken() : undefined;
    if (nonce) params.nonce = nonce;
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return { url: url.href, state, codeVerifier, redirectUri, ...(nonce ? { nonce } : {}) };
  }

  /**
   * Completes the login on your callback route: checks `state` (constant time) against
   * the saved request and `iss` against the issuer (RFC 9207), turns `error` into an
   * `OAuthResponseError`, and exchanges the code (with the PKCE verifier) for tokens.
   * With `openid`, the ID token is validated (signature, `iss`, `aud`, `exp`, `nonce`) and its
   * claims are in `tokens.idTokenClaims`.
   *
   * @throws StateMismatchError when `saved` is missing or its state differs
   * @throws IssuerMismatchError when `iss` is not this client's issuer
   * @throws OAuthResponseError for `error=...` (e.g. `access_denied`) or a failed exchange
   */
  handleCallback(
    params: CallbackParams | unknown,
    saved: SavedAuthorizationRequest | null | undefined,
  ): Promise<TokenSet> {
    return exchangeCallback(this.core, params, saved);
  }

  /**
   * The tokens stored under `key` in `store`, with auto-refresh, retry on 401 and the
   * resource helpers. Create one per request; sessions of one client share their
   * in-flight refreshes. An empty key (no session cookie yet) is a session without
   * tokens: its calls throw `SignInRequiredError`.
   */
  session(store: TokenStore, key: string | null | undefined): GatehouseSession {
    return new GatehouseSession(this.core, store, key ?? '');
  }
}

/**
 * Configures a Gatehouse client for your server. Nothing is fetched until the first
 * call; the metadata document is then read once and cached.
 */
export function createGatehouseClient(options: GatehouseClientOptions): GatehouseClient {
  return new GatehouseClient(options);
}
