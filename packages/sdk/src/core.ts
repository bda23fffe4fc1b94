import { GatehouseError, IssuerMismatchError } from './errors.js';
import { basicAuthorization, expectJson, type FetchLike, send } from './http.js';
import type { TokenStore } from './store.js';
import { type TokenSet, toTokenSet } from './tokens.js';

/** The RFC 8414 metadata document, as far as the SDK reads it. */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  userinfo_endpoint?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  [other: string]: unknown;
}

export interface GatehouseClientOptions {
  /** The Gatehouse base URL, e.g. `https://auth.example.com` (the `issuer` of its metadata). */
  issuer: string;
  clientId: string;
  /** Server side only: read it from the environment, never ship it to a browser. */
  clientSecret: string;
  /** Your server's callback URL, exactly as registered (e.g. `https://app.example.com/oauth/callback`). */
  redirectUri: string;
  /** A `fetch` to use instead of the global one (tests, proxies, tracing). */
  fetch?: FetchLike;
  /** How long before expiry an access token is refreshed. Default 5 minutes. */
  refreshBeforeExpiryMs?: number;
  /** Per-request timeout towards Gatehouse. Default 10 seconds. */
  timeoutMs?: number;
  /** How the client authenticates at the token endpoint. Default `client_secret_basic`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

const DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 10_000;

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new GatehouseError(`createGatehouseClient: \`${name}\` is required`);
  }
  return value;
}

function requireUrl(value: unknown, name: string): URL {
  const text = requireText(value, name);
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    return url;
  } catch {
    throw new GatehouseError(
      `createGatehouseClient: \`${name}\` must be an absolute http(s) URL, got ${text}`,
    );
  }
}

/** `https://auth.example.com/` and `https://auth.example.com` name the same issuer. */
function withoutTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/**
 * The HTTP half of the SDK: metadata, token requests, revocation and bearer requests.
 * Shared by the client and every session it creates (and with it, the in-flight
 * refreshes, so that two session objects for one key still refresh once).
 */
export class ClientCore {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly refreshBeforeExpiryMs: number;
  private readonly clientSecret: string;
  /** The `fetch` every request to Gatehouse goes through (also the JWKS fetch). */
  readonly fetchFn: FetchLike;
  private readonly timeoutMs: number;
  private readonly authMethod: 'client_secret_basic' | 'client_secret_post';
  private metadataPromise: Promise<AuthorizationServerMetadata> | undefined;
  private readonly flights = new WeakMap<TokenStore, Map<string, Promise<TokenSet>>>();

  constructor(options: GatehouseClientOptions) {
    this.issuer = withoutTrailingSlash(requireUrl(options.issuer, 'issuer').href);
    this.clientId = requireText(options.clientId, 'clientId');
    this.clientSecret = requireText(options.clientSecret, 'clientSecret');
    const redirect = requireUrl(options.redirectUri, 'redirectUri');
    if (redirect.hash)
      throw new GatehouseError('createGatehouseClient: `redirectUri` may not contain a fragment');
    this.redirectUri = options.redirectUri;
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.authMethod = options.tokenEndpointAuthMethod ?? 'client_secret_basic';
  }

  /** The metadata document, fetched once and cached; a failed fetch is retried on the next call. */
  metadata(): Promise<AuthorizationServerMetadata> {
    this.metadataPromise ??= this.discover().catch((error: unknown) => {
      this.metadataPromise = undefined;
      throw error;
    });
    return this.metadataPromise;
  }

  private async discover(): Promise<AuthorizationServerMetadata> {
    const issuer = new URL(this.issuer);
    const path = issuer.pathname === '/' ? '' : issuer.pathname;
    // RFC 8414 §3: the well-known segment goes between the host and the issuer's path;
    // for an issuer with a path, also try the path-appended form some deployments serve.
    const candidates = [`${issuer.origin}/.well-known/oauth-authorization-server${path}`];
    if (path) candidates.push(`${this.issuer}/.well-known/oauth-authorization-server`);
    let response: Response | undefined;
    for (const url of candidates) {
      response = await send(this.fetchFn, url, { headers: { accept: 'application/json' } }, this.timeoutMs);
      if (response.status !== 404) break;
      await response.body?.cancel();
    }
    const document = await expectJson(response!);
    if (typeof document !== 'object' || document === null) {
      throw new GatehouseError('the Gatehouse metadata document is not a JSON object');
    }
    const metadata = document as Partial<AuthorizationServerMetadata>;
    if (typeof metadata.issuer !== 'string' || withoutTrailingSlash(metadata.issuer) !== this.issuer) {
      throw new IssuerMismatchError(
        this.issuer,
        typeof metadata.issuer === 'string' ? metadata.issuer : undefined,
        'metadata',
      );
    }
    for (const field of ['authorization_endpoint', 'token_endpoint'] as const) {
      if (typeof metadata[field] !== 'string') {
        throw new GatehouseError(`the Gatehouse metadata document has no ${field}`);
      }
    }
    return metadata as AuthorizationServerMetadata;
  }

  /** Endpoints that the metadata may name; otherwise the paths of the Gatehouse HTTP contract. */
  async endpoint(name: 'userinfo' | 'topup' | 'revocation'): Promise<string> {
    const metadata = await this.metadata();
    const advertised = metadata[`${name}_endpoint`];
    if (typeof advertised === 'string') return advertised;
    const paths = { userinfo: 'userinfo', topup: 'topup', revocation: 'revoke' } as const;
    return `${this.issuer}/api/oauth2/${paths[name]}`;
  }

  /** A token endpoint request with client authentication; the answer as a `TokenSet`. */
  async tokenRequest(params: Record<string, string>, previous?: TokenSet): Promise<TokenSet> {
    const metadata = await this.metadata();
    const sentAt = Date.now();
    const response = await this.clientRequest(metadata.token_endpoint, params);
    return toTokenSet(await expectJson(response), sentAt, previous);
  }

  /** RFC 7009 revocation; Gatehouse answers 200 even for unknown tokens. */
  async revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<void> {
    const response = await this.clientRequest(await this.endpoint('revocation'), {
      token,
      token_type_hint: hint,
    });
    if (!response.ok) await expectJson(response);
    else await response.body?.cancel();
  }

  private clientRequest(url: string, params: Record<string, string>): Promise<Response> {
    const body = new URLSearchParams(params);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (this.authMethod === 'client_secret_basic') {
      headers.authorization = basicAuthorization(this.clientId, this.clientSecret);
    } else {
      body.set('client_id', this.clientId);
      body.set('client_secret', this.clientSecret);
    }
    return send(this.fetchFn, url, { method: 'POST', headers, body: body.toString() }, this.timeoutMs);
  }

  /**
   * Resolves a resource URL (relative paths against the issuer) and refuses any other
   * origin than Gatehouse's own: access tokens are never sent anywhere else.
   */
  async resourceUrl(input: string): Promise<string> {
    const url = new URL(input, `${this.issuer}/`);
    const allowed = new Set([new URL(this.issuer).origin]);
    for (const name of ['userinfo', 'topup'] as const) allowed.add(new URL(await this.endpoint(name)).origin);
    if (!allowed.has(url.origin)) {
      throw new GatehouseError(`refusing to send a Gatehouse access token to ${url.origin}`);
    }
    return url.href;
  }

  /** One request with the access token in the Authorization header (RFC 6750 §2.1). */
  bearerRequest(url: string, accessToken: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${accessToken}`);
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    return send(this.fetchFn, url, { ...init, headers }, this.timeoutMs);
  }

  /** The in-flight refreshes of one store, by key. */
  flightsOf(store: TokenStore): Map<string, Promise<TokenSet>> {
    let flights = this.flights.get(store);
    if (!flights) {
      flights = new Map();
      this.flights.set(store, flights);
    }
    return flights;
  }
}
