import type { SigningAlg } from './signing-keys.js';

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
  trusted: boolean;
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
    | 'disabled'
    | 'secretHash'
    | 'postLogoutRedirectUris'
    | 'idTokenSignedResponseAlg'
  >
>;

export interface ClientStore {
  create(client: NewClient): Promise<Client>;
  findByClientId(clientId: string): Promise<Client | null>;
  findById(id: number): Promise<Client | null>;
  listByOwner(ownerUserId: number): Promise<Client[]>;
  listAll(): Promise<Client[]>;
  update(id: number, patch: ClientPatch): Promise<Client | null>;
  delete(id: number): Promise<boolean>;
  /** Distinct users holding an active grant for this client. */
  countAuthorizedUsers(id: number): Promise<number>;
}
