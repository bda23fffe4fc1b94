/**
 * Test support for the authorize service (excluded from the build). Real stores only:
 * users and clients come from the test world, requests go through `inject`.
 */

import type { Client, Config, Stores, User } from '@gatehouse/core';
import { useOpened } from '@gatehouse/core/testing';
import { hashPassword } from '@gatehouse/service-kit';
import { Browser as ScriptedBrowser } from '@gatehouse/service-kit/browser';
import {
  buildTestApp,
  createClient,
  createTestStores,
  createUser,
  injectTransport,
  type TestStores,
  testConfig,
} from '@gatehouse/service-kit/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type AuthorizeServiceOptions, authorizeService } from '../app.js';

export const ISSUER = 'http://localhost:3000';

export async function buildApp(
  stores: Stores,
  config: Config = testConfig({ ISSUER }),
  extra: Pick<AuthorizeServiceOptions, 'loginThrottle'> = {},
): Promise<FastifyInstance> {
  return buildTestApp(
    async (app, options) => {
      await app.register(authorizeService, { ...options, ...extra });
    },
    { stores, config },
  );
}

/** A production configuration (store URLs are only validated, the test stores are passed in). */
export function productionConfig(): Config {
  return testConfig({
    GATEHOUSE_ENV: 'production',
    ISSUER: 'https://id.example.com',
    DATABASE_URL: 'postgres://unused.invalid/gatehouse',
    REDIS_URL: 'redis://unused.invalid:6379',
    SEED_DEMO_DATA: 'false',
    GATEHOUSE_KEY_ENCRYPTION_KEY: 'test-key-encryption-key-0123456789abcdef',
  });
}

export type { TestStores };

/** A test file's stores and app; read its fields inside tests and hooks (they exist from beforeAll on). */
export interface AuthorizeApp {
  readonly stores: TestStores;
  readonly app: FastifyInstance;
}

export interface AuthorizeApps extends AuthorizeApp {
  /** The service under `productionConfig()`, on the same stores. */
  readonly production: FastifyInstance;
}

export interface AuthorizeAppOptions {
  /** Also build the production app. */
  production?: boolean;
  /** The app's config (default: `testConfig({ ISSUER })`); a function when it needs what an earlier hook made. */
  config?: Config | (() => Config);
  loginThrottle?: AuthorizeServiceOptions['loginThrottle'];
}

/**
 * One test file's setup: fresh stores and the app over them in beforeAll (with
 * `production: true` also the production app), all closed in afterAll.
 */
export function useAuthorizeApp(options: AuthorizeAppOptions & { production: true }): AuthorizeApps;
export function useAuthorizeApp(options?: AuthorizeAppOptions): AuthorizeApp;
export function useAuthorizeApp(options: AuthorizeAppOptions = {}): AuthorizeApps {
  return useOpened(['stores', 'app', 'production'], async (defer) => {
    const stores = defer(await createTestStores(), (opened) => opened.close());
    const config = typeof options.config === 'function' ? options.config() : options.config;
    const services = options.loginThrottle ? { loginThrottle: options.loginThrottle } : {};
    const app = defer(await buildApp(stores, config, services), (opened) => opened.close());
    const production = options.production
      ? defer(await buildApp(stores, productionConfig()), (opened) => opened.close())
      : undefined;
    return { stores, app, production };
  });
}

let sequence = 0;
export function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}${sequence}${Math.random().toString(36).slice(2, 7)}`;
}

/** argon2id is deliberately slow: hash one shared password once per process. */
export const PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;

export async function seedUser(stores: Stores, options: { disabled?: boolean } = {}): Promise<User> {
  passwordHash ??= hashPassword(PASSWORD);
  const user = await createUser(stores, { username: unique('user'), passwordHash: await passwordHash });
  return options.disabled ? (await stores.db.users.setStatus(user.id, 'disabled'))! : user;
}

export interface SeededClient {
  client: Client;
  clientSecret: string | null;
  redirectUri: string;
}

export async function seedClient(
  stores: Stores,
  options: {
    trusted?: boolean;
    public?: boolean;
    redirectUris?: string[];
    ownerUserId?: number | null;
    homepageUrl?: string | null;
    disabled?: boolean;
  } = {},
): Promise<SeededClient> {
  const redirectUris = options.redirectUris ?? [`https://${unique('app')}.example.com/oauth/callback`];
  const created = await createClient(stores, {
    public: options.public ?? false,
    name: unique('App '),
    description: 'Reads your profile to say hello.',
    homepageUrl: options.homepageUrl ?? 'https://app.example.com/',
    redirectUris,
    ownerUserId: options.ownerUserId ?? null,
    trusted: options.trusted ?? false,
  });
  const client = options.disabled
    ? (await stores.db.clients.update(created.client.id, { disabled: true }))!
    : created.client;
  return {
    client,
    clientSecret: created.secret,
    redirectUri: redirectUris[0]!,
  };
}

/** `/api/oauth2/authorize?…` with the given parameters (arrays repeat a name; undefined drops it). */
export function authorizePath(params: Record<string, string | string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
  }
  return `/api/oauth2/authorize?${search.toString()}`;
}

export function authorizeParams(
  seeded: SeededClient,
  extra: Record<string, string | string[] | undefined> = {},
) {
  return {
    client_id: seeded.client.clientId,
    redirect_uri: seeded.redirectUri,
    response_type: 'code',
    scope: 'profile',
    state: unique('state-'),
    ...extra,
  };
}

/** A hidden field's value; with `formAction`, only inside the form posting to that path. */
export function hiddenField(html: string, name: string, formAction?: string): string {
  let scope = html;
  if (formAction !== undefined) {
    const forms = html
      .split('<form')
      .slice(1)
      .map((f) => f.slice(0, f.indexOf('</form>')));
    const form = forms.find((f) => {
      const action = /action="([^"]*)"/.exec(f)?.[1]?.replace(/&amp;/g, '&');
      return action !== undefined && action.split('?')[0] === formAction;
    });
    if (!form) throw new Error(`no form posting to ${formAction} in page`);
    scope = form;
  }
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(scope);
  if (!match) throw new Error(`no hidden field ${name} in page`);
  return match[1]!
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** The query of a Location header, as a plain object. */
export function locationQuery(response: LightMyRequestResponse): Record<string, string> {
  const location = response.headers.location;
  if (typeof location !== 'string') throw new Error(`no Location header (status ${response.statusCode})`);
  return Object.fromEntries(new URL(location, ISSUER).searchParams);
}

let addresses = 0;
/** A distinct client address (so throttling windows of unrelated tests never meet). */
export function nextAddress(): string {
  addresses += 1;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

/**
 * A browser over `inject` (service-kit's scripted browser: cookie jar, forms posted with
 * `Origin`), answering light-my-request responses. `address` is its IP as the server sees it.
 */
export class Browser extends ScriptedBrowser<LightMyRequestResponse> {
  constructor(
    readonly app: FastifyInstance,
    readonly address = nextAddress(),
    origin = ISSUER,
  ) {
    super(origin, injectTransport(app, address));
  }

  /** Fetches the login form and submits it. */
  async login(username: string, password = PASSWORD, returnTo?: string): Promise<LightMyRequestResponse> {
    const path = returnTo === undefined ? '/login' : `/login?return_to=${encodeURIComponent(returnTo)}`;
    const form = await this.get(path);
    return this.post(path, { username, password, _csrf: hiddenField(form.body, '_csrf', '/login') });
  }

  /** The CSRF token of the signed-in session, as the account page shows it. */
  async sessionCsrf(): Promise<string> {
    const account = await this.get('/account');
    if (account.statusCode !== 200) throw new Error(`not signed in (GET /account → ${account.statusCode})`);
    return hiddenField(account.body, '_csrf');
  }
}
