/**
 * The browser end-to-end harness: Debian's Chromium (driven by playwright-core), the whole
 * Gatehouse stack on a loopback port with fresh test stores, and the demo third-party app
 * (examples/demo-app) built in-process against it on its own loopback port.
 *
 * The provider answers on http://127.0.0.1:<port> and the demo app on
 * http://localhost:<port>: two different sites, as a real third-party app would be, so
 * cookies, SameSite and postMessage origins behave as they do in production. One file because
 * every browser test starts from the same three pieces, started and stopped together.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomToken, sha256Hex, TOKEN_PREFIX } from '@gatehouse/core';
import { newWebhookSecret } from '@gatehouse/core/webhooks';
import { buildDemoApp, type DemoAppOptions, loadConfig, WEBHOOK_PATH } from '@gatehouse/demo-app';
import { hashPassword } from '@gatehouse/service-kit';
import { freePort, type RunningStack, startTestStack } from '@gatehouse/stack/testing';
import { type Browser, type BrowserContext, chromium, type Page, type Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** `E2E_SKIP_BROWSER=1` skips the browser suite on purpose; a missing Chromium otherwise fails it. */
export const SKIP_BROWSER = process.env.E2E_SKIP_BROWSER === '1';

export const ARTIFACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'artifacts', 'e2e');

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** One Chromium per test file. Throws a clear error (never skips) when Chromium is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the browser end-to-end tests need Debian's ` +
        '`chromium` package (`apt-get install -y chromium`). Set E2E_SKIP_BROWSER=1 to skip them on purpose.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS, timeout: 30_000 });
}

/** One call the demo app's server made to Gatehouse (through the SDK). */
export interface ProviderCall {
  method: string;
  path: string;
  /** `grant_type` of a token request. */
  grantType?: string;
  status: number;
  /** The OAuth `error` of a failed call. */
  error?: string;
}

export interface SeededUser {
  id: number;
  username: string;
  email: string;
  password: string;
}

export interface DemoClient {
  clientId: string;
  clientSecret: string;
  name: string;
}

export interface World {
  stack: RunningStack;
  /** The provider's origin (also the issuer), e.g. http://127.0.0.1:40123. */
  provider: string;
  /** The demo app's origin, e.g. http://localhost:40124. */
  demo: string;
  demoApp: Awaited<ReturnType<typeof buildDemoApp>>;
  client: DemoClient;
  /** The demo app's webhook receiver on loopback, and the secret it verifies with. */
  webhook: { url: string; secret: string };
  /** Every call from the demo app's server to Gatehouse, in order. */
  providerCalls: ProviderCall[];
  seedUser(name: string, quota?: bigint): Promise<SeededUser>;
  /** A fresh single-use top-up code worth `quota` (500 000 quota = 1.00 USD). */
  seedTopupCode(quota: bigint): Promise<string>;
  close(): Promise<void>;
}

/** 750.00 USD at the default 500 000 quota per unit. */
export const STARTING_QUOTA = 375_000_000n;

/** Records the demo app's calls to Gatehouse: which endpoint, which grant, which answer. */
function recordingFetch(calls: ProviderCall[]): NonNullable<DemoAppOptions['fetch']> {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input);
    const call: ProviderCall = { method: init?.method ?? 'GET', path: url.pathname, status: response.status };
    const body = init?.body;
    if (typeof body === 'string' || body instanceof URLSearchParams) {
      const grantType = new URLSearchParams(body).get('grant_type');
      if (grantType) call.grantType = grantType;
    }
    if (!response.ok) {
      try {
        const parsed = (await response.clone().json()) as { error?: unknown };
        if (typeof parsed.error === 'string') call.error = parsed.error;
      } catch {
        // not JSON
      }
    }
    calls.push(call);
    return response;
  };
}

export interface WorldOptions {
  /**
   * The provider's host (default 127.0.0.1). The passkey suite uses `localhost`: a WebAuthn
   * RP ID must be a domain, and `localhost` is one Chromium treats as a secure context.
   */
  providerHost?: string;
  /** Extra environment for the provider's config (e.g. `GATEHOUSE_ADMIN_TOKEN`). */
  env?: Record<string, string>;
  /** Runs the job queue and its workers, so webhooks are delivered (as `pnpm start` does). */
  jobs?: boolean;
}

/** The stack, a registered "Demo App" client, and the demo app listening beside it. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const stack = await startTestStack(options.env ?? {}, {
    ...(options.providerHost ? { issuerHost: options.providerHost } : {}),
    jobs: options.jobs ?? false,
  });
  const port = await freePort();
  const demo = `http://localhost:${port}`;
  const db = stack.stores.db;

  const developer = await db.users.create({
    username: 'demo-developer',
    email: 'developer@example.com',
    passwordHash: await hashPassword(`developer ${randomToken('', 12)}`),
  });
  const client: DemoClient = {
    clientId: 'gh_e2e_demo_app',
    clientSecret: randomToken(TOKEN_PREFIX.clientSecret),
    name: 'Demo App',
  };
  await db.clients.create({
    clientId: client.clientId,
    secretHash: sha256Hex(client.clientSecret),
    name: client.name,
    description: 'The example third-party app in examples/demo-app.',
    homepageUrl: demo,
    redirectUris: [`${demo}/oauth/callback`],
    allowedScopes: ['profile', 'balance'],
    ownerUserId: developer.id,
    trusted: false,
  });

  const providerCalls: ProviderCall[] = [];
  const webhookSecret = newWebhookSecret();
  const config = loadConfig({
    GATEHOUSE_ISSUER: stack.origin,
    DEMO_CLIENT_ID: client.clientId,
    DEMO_CLIENT_SECRET: client.clientSecret,
    DEMO_APP_URL: demo,
    DEMO_WEBHOOK_SECRET: webhookSecret,
  });
  const demoApp = await buildDemoApp({ config, fetch: recordingFetch(providerCalls) });
  await demoApp.listen({ port, host: '127.0.0.1' });

  let batches = 0;
  return {
    stack,
    provider: stack.origin,
    demo,
    demoApp,
    client,
    // 127.0.0.1, where the demo app listens (`localhost` may resolve to ::1 first).
    webhook: { url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, secret: webhookSecret },
    providerCalls,
    async seedUser(name, quota = STARTING_QUOTA) {
      const password = `${name} e2e password ${randomToken('', 6)}`;
      const email = `${name}@example.com`;
      const user = await db.users.create({
        username: name,
        email,
        passwordHash: await hashPassword(password),
      });
      if (quota > 0n) {
        await db.ledger.apply({
          userId: user.id,
          amount: quota,
          kind: 'credit',
          idempotencyKey: `e2e-seed-${name}`,
          actor: 'e2e',
        });
      }
      return { id: user.id, username: name, email, password };
    },
    async seedTopupCode(quota) {
      const code = randomToken(TOKEN_PREFIX.topupCode);
      await db.topupCodes.createBatch({
        batchId: `e2e-${++batches}`,
        quota,
        expiresAt: null,
        codeHashes: [sha256Hex(code)],
        createdBy: 'e2e',
      });
      return code;
    },
    async close() {
      await demoApp.close();
      await stack.close();
    },
  };
}

/**
 * One file's browser and world, started side by side. If either fails (no Chromium, a
 * stack that does not start), the other is closed again and the first error is thrown.
 */
export async function startSuite(options: WorldOptions = {}): Promise<{ browser: Browser; world: World }> {
  const [browser, world] = await Promise.allSettled([launchBrowser(), startWorld(options)]);
  if (browser.status === 'fulfilled' && world.status === 'fulfilled') {
    return { browser: browser.value, world: world.value };
  }
  if (browser.status === 'fulfilled') await browser.value.close();
  if (world.status === 'fulfilled') await world.value.close();
  throw browser.status === 'rejected' ? browser.reason : (world as PromiseRejectedResult).reason;
}

/**
 * The lifecycle every browser suite shares: one Chromium and one world per file, a fresh
 * browser context per scenario, closed after it (with screenshots when it failed).
 * Call at the top of a `describe`; `suite.world` is ready inside tests.
 */
export function useSuite(options: WorldOptions = {}): {
  readonly world: World;
  open(name: string): Promise<Scenario>;
} {
  let browser: Browser | undefined;
  let world: World | undefined;
  let scenario: Scenario | undefined;
  beforeAll(async () => {
    ({ browser, world } = await startSuite(options));
  });
  afterEach(async (context) => {
    await scenario?.close(context.task.result?.state === 'fail' && !context.task.fails);
    scenario = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });
  return {
    get world() {
      if (!world) throw new Error('the suite has not started');
      return world;
    },
    async open(name) {
      if (!browser || !world) throw new Error('the suite has not started');
      scenario = await Scenario.open(browser, world, name);
      return scenario;
    },
  };
}

/** A console error, an uncaught page error, or a provider document without the expected CSP. */
export interface Problem {
  kind: 'console' | 'pageerror' | 'csp-header';
  /** The page's URL when it happened. */
  page: string;
  text: string;
}

/**
 * A fresh browser context for one scenario: screenshots of every step, console errors and
 * page errors of every page (popups and tabs included), and the security headers of every
 * provider document.
 */
export class Scenario {
  readonly problems: Problem[] = [];
  /** Every top-level document the scenario loaded (redirect hops included), in order. */
  readonly navigations: { url: string; status: number }[] = [];
  /** Provider documents whose headers were checked. */
  readonly providerDocuments: string[] = [];
  readonly screenshots: string[] = [];
  private step = 0;

  private constructor(
    readonly world: World,
    readonly name: string,
    readonly context: BrowserContext,
  ) {
    this.watch();
    // Screenshots of an earlier run of this scenario would mix with this run's.
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const earlier = new RegExp(`^${name}-\\d{2}-.*\\.png$`);
    for (const file of readdirSync(ARTIFACTS_DIR)) {
      if (earlier.test(file)) rmSync(join(ARTIFACTS_DIR, file));
    }
  }

  static async open(browser: Browser, world: World, name: string): Promise<Scenario> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(15_000);
    return new Scenario(world, name, context);
  }

  async newPage(): Promise<Page> {
    return this.context.newPage();
  }

  private isProvider(url: string): boolean {
    return url.startsWith(`${this.world.provider}/`);
  }

  /** Listens on the whole context, so popups and tabs are watched from their first request. */
  private watch(): void {
    this.context.on('console', (message) => {
      if (message.type() !== 'error') return;
      const pageUrl = message.page()?.url() ?? '';
      const text = message.text();
      const where = message.location().url || pageUrl;
      if (text.startsWith('Failed to load resource: the server responded')) {
        // A document's own non-2xx status (a form answered 400 with its error shown, the
        // deliberate 401 of the demo page's /api/user/info when signed out): Chromium logs
        // these as console errors; the scenarios assert the statuses themselves. Any other
        // failed load on a provider page (a stylesheet, an image) counts.
        if (where === pageUrl || !this.isProvider(where)) return;
        // Chromium's own request for /favicon.ico: the provider serves none, so every
        // provider page logs a 404 after load (racy). Not the page's doing; reported apart.
        if (where === `${this.world.provider}/favicon.ico`) return;
      }
      this.problems.push({ kind: 'console', page: pageUrl, text: `${text} (at ${where})` });
    });
    this.context.on('weberror', (error) => {
      this.problems.push({ kind: 'pageerror', page: error.page()?.url() ?? '', text: String(error.error()) });
    });
    this.context.on('response', (response) => this.onResponse(response));
  }

  private onResponse(response: Response): void {
    const request = response.request();
    if (!request.isNavigationRequest()) return;
    try {
      if (request.frame().parentFrame() !== null) return; // a frame inside a page
    } catch {
      // A popup's first navigation is issued before its frame exists: a top-level document.
    }
    const url = response.url();
    const status = response.status();
    this.navigations.push({ url, status });
    if (!this.isProvider(url) || (status >= 300 && status < 400)) return;
    this.providerDocuments.push(url);
    const headers = response.headers();
    const csp = headers['content-security-policy'] ?? '';
    if (!/(^|;)\s*frame-ancestors 'none'\s*(;|$)/.test(csp)) {
      this.problems.push({
        kind: 'csp-header',
        page: url,
        text: `content-security-policy lacks frame-ancestors 'none': ${JSON.stringify(csp)}`,
      });
    }
  }

  /** `artifacts/e2e/<scenario>-<nn>-<step>.png`, full page. */
  async shot(page: Page, step: string): Promise<void> {
    this.step += 1;
    const file = join(ARTIFACTS_DIR, `${this.name}-${String(this.step).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage: true });
    this.screenshots.push(file);
  }

  /** Top-level documents loaded since `from` (an index into `navigations`). */
  navigationsSince(from: number): { url: string; status: number }[] {
    return this.navigations.slice(from);
  }

  /**
   * Closes the context. After a failed scenario, first saves every open page as
   * `<scenario>-failure-<n>.png` and prints where the browser went.
   */
  async close(failed = false): Promise<void> {
    if (failed) {
      for (const [index, page] of this.context.pages().entries()) {
        await this.shot(page, `failure-${index + 1}`).catch(() => undefined);
      }
      console.error(
        `[${this.name}] navigations:\n${this.navigations.map((n) => `  ${n.status} ${n.url}`).join('\n')}\n` +
          `[${this.name}] problems: ${JSON.stringify(this.problems, null, 2)}`,
      );
    }
    await this.context.close();
  }
}
