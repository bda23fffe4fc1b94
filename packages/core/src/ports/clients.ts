import type { SigningAlg } from './signing-keys.js';
/** RFC 7591 §2 names; `none` is a public client. */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface Client {
  /** Internal numeric id (the developer API's `id`). */
  id: number;
  /** Public identifier, e.g. `gh_…`. */
  clientId: string;
  /** SHA-256 (hex) of the client secret; null for public clients. */
  secretHash: string | null;
  name: string;
  description: string;
  homepageUrl: string | null;
  redirectUris: string[];
  /** Scopes the client may request. */
  allowedScopes: string[];
  ownerUserId: number | null;
  /**
   * How the client authenticates at the token endpoint: `client_secret_basic` or
   * `client_secret_post` (confidential, has a secret) or `none` (public: runs in a
   * browser or on a device and cannot keep a secret). Fixed at registration.
   */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Extra web origins a public client calls the token endpoints from (CORS), besides its https redirect URIs. */
  allowedOrigins: string[];
  /** May use the device authorization grant (RFC 8628). */
  deviceGrantEnabled: boolean;
  trusted: boolean;
  /** Set by an administrator only: may ask for the `charge` scope (SEC-85). Absent means false. */
  chargesEnabled?: boolean;
  disabled: boolean;
  /** JWS alg of its ID tokens; absent means RS256. */
  idTokenSignedResponseAlg?: SigningAlg;
  /** Where RP-initiated logout may send the browser afterwards (exact match); absent means none. */
  postLogoutRedirectUris?: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface NewClient {
  clientId: string;
  secretHash: string | null;
  name: string;
  description?: string;
  homepageUrl?: string | null;
  redirectUris: string[];
  allowedScopes?: string[];
  ownerUserId?: number | null;
  /** Default: `none` without a secret, `client_secret_basic` with one. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  allowedOrigins?: string[];
  deviceGrantEnabled?: boolean;
  trusted?: boolean;
  postLogoutRedirectUris?: string[];
  idTokenSignedResponseAlg?: SigningAlg;
}

export type ClientPatch = Partial<
  Pick<
    Client,
    | 'name'
    | 'description'
    | 'homepageUrl'
    | 'redirectUris'
    | 'allowedScopes'
    | 'trusted'
    | 'chargesEnabled'
    | 'disabled'
    | 'secretHash'
    | 'allowedOrigins'
    | 'deviceGrantEnabled'
    | 'postLogoutRedirectUris'
    | 'idTokenSignedResponseAlg'
  >
>;

export interface ClientStore {
  create(client: NewClient): Promise<Client>;
  findByClientId(clientId: string): Promise<Client | null>;
  findById(id: number): Promise<Client | null>;
  listByOwner(ownerUserId: number): Promise<Client[]>;
  /** Oldest first; a page of them when `page` is given (the admin list). */
  listAll(page?: { limit: number; offset: number }): Promise<Client[]>;
  update(id: number, patch: ClientPatch): Promise<Client | null>;
  delete(id: number): Promise<boolean>;
  /**
   * True when `origin` is a web origin of some enabled public client: one of its
   * `allowed_origins`, or the origin of one of its https redirect URIs (compared as
   * registered). CORS preflights ask this before any client is named (SEC-53).
   */
  hasPublicWebOrigin(origin: string): Promise<boolean>;
  /** Distinct users holding an active grant for this client. */
  countAuthorizedUsers(id: number): Promise<number>;
}
