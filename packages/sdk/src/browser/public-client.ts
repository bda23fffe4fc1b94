/**
 * A browser app without a server, registered as a public client (API.md §11): the
 * authorization code flow with PKCE and no secret, tokens kept in this page's memory only
 * (never in storage), refreshed a minute before expiry with one refresh in flight, and the
 * same `userinfo()` / `balance()` / `topupUrl()` surface as the server SDK. Self-contained
 * (no imports), so it can be served as one module.
 */

export interface PublicClientOptions {
  /** e.g. `https://id.example.com` */
  issuer: string;
  /** A client registered with `token_endpoint_auth_method` `none`. */
  clientId: string;
  /** One of its registered redirect URIs, on this page's origin. */
  redirectUri: string;
  scope?: string;
}

export interface PublicTokens {
  accessToken: string;
  refreshToken?: string;
  /** Unix ms. */
  expiresAt: number;
  scope: string;
}

export class PublicClientError extends Error {
  override name = 'PublicClientError';
  constructor(
    readonly error: string,
    readonly errorDescription?: string,
  ) {
    super(errorDescription ? `${error}: ${errorDescription}` : error);
  }
}

const PENDING_KEY = 'gatehouse:pkce';
const REFRESH_EARLY_MS = 60_000;

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const array = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return btoa(String.fromCharCode(...array))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const randomString = (bytes: number) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

async function failure(response: Response): Promise<PublicClientError> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; error_description?: string };
  return new PublicClientError(body.error ?? `http_${response.status}`, body.error_description);
}

export class GatehousePublicClient {
  private tokens: PublicTokens | null = null;
  private refreshing: Promise<PublicTokens> | null = null;
  private readonly issuer: string;

  constructor(private readonly options: PublicClientOptions) {
    this.issuer = options.issuer.replace(/\/+$/, '');
  }

  /** Sends the page to Gatehouse; the verifier and state wait in sessionStorage for the callback. */
  async login(): Promise<void> {
    const verifier = randomString(32);
    const state = randomString(16);
    const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: this.options.redirectUri,
      scope: this.options.scope ?? 'profile',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    window.location.assign(`${this.issuer}/api/oauth2/authorize?${params}`);
  }

  /** On the redirect URI: checks `state` and `iss`, exchanges the code (CORS), keeps the tokens in memory. */
  async handleCallback(url: string = window.location.href): Promise<PublicTokens> {
    const params = new URL(url).searchParams;
    const saved = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
      verifier: string;
      state: string;
    } | null;
    sessionStorage.removeItem(PENDING_KEY);
    if (!saved || params.get('state') !== saved.state) throw new PublicClientError('state_mismatch');
    if (params.get('iss') !== null && params.get('iss') !== this.issuer)
      throw new PublicClientError('issuer_mismatch');
    const error = params.get('error');
    if (error) throw new PublicClientError(error, params.get('error_description') ?? undefined);
    return this.tokenRequest({
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: this.options.redirectUri,
      code_verifier: saved.verifier,
    });
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  /** A live access token, refreshing first when it is about to expire (one refresh at a time). */
  async accessToken(): Promise<string> {
    if (!this.tokens) throw new PublicClientError('login_required');
    if (Date.now() < this.tokens.expiresAt - REFRESH_EARLY_MS) return this.tokens.accessToken;
    return (await this.refresh()).accessToken;
  }

  refresh(): Promise<PublicTokens> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) return Promise.reject(new PublicClientError('login_required'));
    this.refreshing ??= this.tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    }).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async userinfo(): Promise<Record<string, unknown>> {
    return (await this.get('/api/oauth2/userinfo')) as Record<string, unknown>;
  }

  async balance(): Promise<{ amount: string; currency: string; quota: number }> {
    const info = await this.userinfo();
    if (!info.balance)
      throw new PublicClientError('insufficient_scope', 'this login was not granted the balance scope');
    return info.balance as { amount: string; currency: string; quota: number };
  }

  async topupUrl(returnUri?: string): Promise<string> {
    const query = returnUri ? `?${new URLSearchParams({ return_uri: returnUri })}` : '';
    return ((await this.get(`/api/oauth2/topup${query}`)) as { topup_url: string }).topup_url;
  }

  /** Revokes the refresh token (and with it the access tokens) and forgets them. */
  async revoke(): Promise<void> {
    const token = this.tokens?.refreshToken ?? this.tokens?.accessToken;
    this.tokens = null;
    if (!token) return;
    const response = await fetch(`${this.issuer}/api/oauth2/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: this.options.clientId, token }),
    });
    if (!response.ok) throw await failure(response);
  }

  private async get(path: string): Promise<unknown> {
    const send = async () =>
      fetch(`${this.issuer}${path}`, { headers: { authorization: `Bearer ${await this.accessToken()}` } });
    let response = await send();
    // One retry after a refresh: the token may have been revoked or expired early.
    if (response.status === 401 && this.tokens?.refreshToken) {
      await this.refresh();
      response = await send();
    }
    if (!response.ok) throw await failure(response);
    return response.json();
  }

  private async tokenRequest(params: Record<string, string>): Promise<PublicTokens> {
    const sentAt = Date.now();
    const response = await fetch(`${this.issuer}/api/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: this.options.clientId, ...params }),
    });
    if (!response.ok) {
      const error = await failure(response);
      if (error.error === 'invalid_grant') this.tokens = null;
      throw error;
    }
    const body = (await response.json()) as {
      access_token: string;
      refresh_token?: string;
      expires_in: number;
      scope?: string;
    };
    this.tokens = {
      accessToken: body.access_token,
      ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}),
      expiresAt: sentAt + body.expires_in * 1000,
      scope: body.scope ?? '',
    };
    return this.tokens;
  }
}
