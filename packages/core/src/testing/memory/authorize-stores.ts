import type { AuthorizeStores } from '../../authorize/answer-consent.js';
import type {
  AuthorizationCodeData,
  Client,
  Grant,
  NewAuditEvent,
  PendingAuthorizationRequest,
} from '../../ports/index.js';

/**
 * In-memory ports for core's unit tests of the browser flows: only what `AuthorizeStores`
 * asks, with the stored behaviour the contract suites prove of the real stores (a grant's
 * scopes are a union; its first allowance is never replaced; `take` hands a value out once).
 * A grant's audit event is written with it, all or nothing, as in the store's transaction.
 * `failAudit`: every audit write fails (as a database refusing it would). TTLs are not
 * modelled: no test here waits for one.
 */
export function memoryAuthorizeStores(clients: Client[] = [], options: { failAudit?: boolean } = {}) {
  const grants = new Map<string, Grant>();
  const pending = new Map<string, PendingAuthorizationRequest>();
  const codes = new Map<string, AuthorizationCodeData>();
  const audit: NewAuditEvent[] = [];
  const hits = new Map<string, number>();
  const stores: AuthorizeStores = {
    db: {
      grants: {
        async find(userId, clientId) {
          return grants.get(`${userId}:${clientId}`) ?? null;
        },
        async upsert(userId, clientId, scopes, allowance = null, auditOf) {
          const old = grants.get(`${userId}:${clientId}`);
          const now = new Date();
          const grant: Grant = {
            userId,
            clientId,
            scopes: [...new Set([...(old?.scopes ?? []), ...scopes])],
            allowance: old?.allowance ?? allowance,
            createdAt: old?.createdAt ?? now,
            updatedAt: now,
          };
          if (auditOf) {
            const event = auditOf(grant);
            if (options.failAudit) throw new Error('audit write refused');
            audit.push(event);
          }
          grants.set(`${userId}:${clientId}`, grant);
          return grant;
        },
      },
      clients: {
        async findById(id) {
          return clients.find((client) => client.id === id) ?? null;
        },
      },
      audit: {
        async append(event) {
          if (options.failAudit) throw new Error('audit write refused');
          audit.push(event);
        },
      },
    },
    cache: {
      codes: {
        async put(codeHash, data) {
          codes.set(codeHash, data);
        },
      },
      pendingRequests: {
        async put(key, value) {
          pending.set(key, value);
        },
        async get(key) {
          return pending.get(key) ?? null;
        },
        async take(key) {
          const value = pending.get(key) ?? null;
          pending.delete(key);
          return value;
        },
        async delete(key) {
          pending.delete(key);
        },
      },
      rateLimits: {
        async hit(key, windowSeconds) {
          const count = (hits.get(key) ?? 0) + 1;
          hits.set(key, count);
          return { count, retryAfterSeconds: windowSeconds };
        },
      },
    },
  };
  return { stores, grants, pending, codes, audit };
}

/**
 * A registered client, as the clients store returns it: confidential, or public (`none`) when
 * `overrides.secretHash` is null.
 */
export function sampleClient(overrides: Partial<Client> = {}): Client {
  return {
    id: 1,
    clientId: 'gh_app',
    secretHash: 'not-a-secret',
    name: 'App',
    description: '',
    homepageUrl: null,
    redirectUris: ['https://app.example/cb'],
    allowedScopes: ['profile', 'balance', 'charge'],
    ownerUserId: null,
    tokenEndpointAuthMethod: overrides.secretHash === null ? 'none' : 'client_secret_basic',
    allowedOrigins: [],
    deviceGrantEnabled: false,
    trusted: false,
    disabled: false,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}
