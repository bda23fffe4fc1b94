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
  /** Distinct users holding an active grant for this client. */
  countAuthorizedUsers(id: number): Promise<number>;
}
