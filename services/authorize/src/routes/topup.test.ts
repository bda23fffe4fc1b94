import { randomId, randomToken, sha256Hex, TOKEN_PREFIX, type User } from '@gatehouse/core';
import { shapeUserinfo } from '@gatehouse/core/resource';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOPUP_THROTTLE } from '../browser/topup-throttle.js';
import {
  Browser,
  buildApp,
  hiddenField,
  ISSUER,
  PASSWORD,
  type SeededClient,
  seedClient,
  seedUser,
  useAuthorizeApp,
} from '../testing/harness.js';
import { TOPUP_MESSAGES } from './topup.js';

const world = useAuthorizeApp();
let wallet: SeededClient;

/** 500 000 quota = 1 USD (the default QUOTA_PER_UNIT). */
const USD = 500_000n;
const APP_HOMEPAGE = 'https://www.wallet-app.example/';
const TOPUP_PREFIX = TOKEN_PREFIX.topupCode;

beforeAll(async () => {
  wallet = await seedClient(world.stores, {
    redirectUris: ['https://app.example.com/oauth/callback', 'http://localhost:5173/cb'],
    homepageUrl: APP_HOMEPAGE,
  });
});

/** Codes as the admin API creates them: only their hashes reach the store. */
async function createCodes(
  quota: bigint,
  count = 1,
  expiresAt: Date | null = null,
): Promise<{ codes: string[]; batchId: string }> {
  const codes = Array.from({ length: count }, () => randomToken(TOKEN_PREFIX.topupCode));
  const batchId = randomId();
  await world.stores.db.topupCodes.createBatch({
    batchId,
    quota,
    expiresAt,
    codeHashes: codes.map(sha256Hex),
    createdBy: 'admin',
  });
  return { codes, batchId };
}

async function signedIn(user?: User): Promise<{ user: User; browser: Browser }> {
  const who = user ?? (await seedUser(world.stores));
  const browser = new Browser(world.app);
  const login = await browser.login(who.username);
  expect(login.statusCode).toBe(303);
  return { user: who, browser };
}

async function credit(user: User, quota: bigint): Promise<void> {
  const result = await world.stores.db.ledger.apply({
    userId: user.id,
    amount: quota,
    kind: 'credit',
    actor: 'admin',
  });
  expect(result.kind).toBe('applied');
}

async function quotaOf(user: User): Promise<bigint> {
  return (await world.stores.db.ledger.getBalance(user.id))!.quota;
}

async function usedCode(): Promise<string> {
  const { codes } = await createCodes(USD);
  const other = await seedUser(world.stores);
  expect((await world.stores.db.topupCodes.redeem(sha256Hex(codes[0]!), other.id, new Date())).kind).toBe(
    'redeemed',
  );
  return codes[0]!;
}

/** The session's CSRF token, as the top-up form carries it. */
async function csrfOf(browser: Browser): Promise<string> {
  return hiddenField((await browser.get('/topup')).body, '_csrf', '/topup');
}

function topupUrl(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  const search = query.toString();
  return search ? `/topup?${search}` : '/topup';
}

/**
 * Opens the top-up page and submits its form with `code` (the hidden fields as the page set
 * them). A success is a 303 to the result page, which this follows as a browser does.
 */
async function redeem(
  browser: Browser,
  code: string,
  params: Record<string, string | undefined> = {},
): Promise<LightMyRequestResponse> {
  const posted = await postRedeem(browser, code, params);
  if (posted.statusCode !== 303) return posted;
  return browser.get(resultPath(posted));
}

async function postRedeem(
  browser: Browser,
  code: string,
  params: Record<string, string | undefined> = {},
): Promise<LightMyRequestResponse> {
  const form = await browser.get(topupUrl(params));
  expect(form.statusCode).toBe(200);
  const fields: Record<string, string> = { _csrf: hiddenField(form.body, '_csrf', '/topup'), code };
  for (const name of ['client_id', 'return_uri']) {
    if (params[name]) fields[name] = hiddenField(form.body, name, '/topup');
  }
  return browser.post('/topup', fields);
}

/** Where a successful POST sends the browser: /topup/done, never with the code. */
function resultPath(posted: LightMyRequestResponse): string {
  const location = String(posted.headers.location);
  expect(location).toMatch(/^\/topup\/done\?result=[A-Za-z0-9_-]{22}(&|$)/);
  expect(location).not.toContain(TOPUP_PREFIX);
  return location;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&(quot|#34);/g, '"')
    .replace(/&(lt|#60);/g, '<')
    .replace(/&(gt|#62);/g, '>')
    .replace(/&(#39|apos);/g, "'")
    .replace(/&amp;/g, '&');
}

function codeFieldValue(html: string): string | undefined {
  const input = /<input id="code"[^>]*>/.exec(html)?.[0];
  return input ? /\svalue="([^"]*)"/.exec(input)?.[1] : undefined;
}

function alertOf(html: string): string | undefined {
  return /<p class="alert" role="alert"[^>]*>([^<]*)<\/p>/.exec(html)?.[1]?.replace(/&#39;/g, "'");
}

/** Where the success page's "Back to …" link leads. */
function backButtonUrl(html: string): string {
  const link = /<a class="button primary" href="([^"]*)"[^>]*>Back to /.exec(html);
  if (!link) throw new Error('no back link on the page');
  return link[1]!
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

describe('GET /topup', () => {
  it('sends a signed-out user to log in and back to the exact same top-up page', async () => {
    const user = await seedUser(world.stores);
    await credit(user, (1_250n * USD) / 100n);
    const path = topupUrl({
      client_id: wallet.client.clientId,
      return_uri: 'https://app.example.com/wallet?tab=billing',
    });
    const browser = new Browser(world.app);
    const first = await browser.get(path);
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe(`/login?return_to=${encodeURIComponent(path)}`);

    const returnTo = new URL(first.headers.location as string, 'http://x').searchParams.get('return_to')!;
    expect(returnTo).toBe(path);
    const login = await browser.login(user.username, PASSWORD, returnTo);
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe(path);

    const landed = await browser.get(login.headers.location as string);
    expect(landed.statusCode).toBe(200);
    expect(landed.body).toContain(wallet.client.name);
    expect(landed.body).toContain('www.wallet-app.example');
    expect(landed.body).toContain('12.50 USD');
    expect(hiddenField(landed.body, 'client_id', '/topup')).toBe(wallet.client.clientId);
    expect(hiddenField(landed.body, 'return_uri', '/topup')).toBe(
      'https://app.example.com/wallet?tab=billing',
    );
    expect(landed.headers['cache-control']).toBe('no-store');
    expect(landed.headers['referrer-policy']).toBe('no-referrer');
    expect(landed.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('refuses a bad link before asking a signed-out user to log in', async () => {
    const response = await new Browser(world.app).get(
      topupUrl({ client_id: wallet.client.clientId, return_uri: 'https://evil.example/wallet' }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.body).not.toContain('evil.example');
  });

  it('works without any app: balance and form only', async () => {
    const { browser } = await signedIn();
    const response = await browser.get('/topup');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('0.00 USD');
    expect(response.body).not.toContain('name="client_id"');
    expect(response.body).not.toContain('name="return_uri"');
    expect(response.body).not.toMatch(/href="https?:/);
  });

  it('shows an error page for an unknown or disabled app', async () => {
    const { browser } = await signedIn();
    const unknown = await browser.get(topupUrl({ client_id: 'gh_nobody_by_this_id' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('Unknown application');
    expect(unknown.headers.location).toBeUndefined();

    const disabled = await seedClient(world.stores, { disabled: true });
    const off = await browser.get(topupUrl({ client_id: disabled.client.clientId }));
    expect(off.statusCode).toBe(400);
    expect(off.body).toContain('has been disabled');
    expect(off.headers['cache-control']).toBe('no-store');
    expect(off.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('return_uri rules at the page (API.md §5)', () => {
  let browser: Browser;
  beforeAll(async () => {
    ({ browser } = await signedIn());
  });

  it.each([
    'https://app.example.com/wallet',
    'https://app.example.com/wallet?tab=billing&from=topup',
    'https://app.example.com:443/other/path',
    'http://localhost:5173/settings/billing',
  ])('accepts %s (same scheme, host and port as a registered redirect URI)', async (returnUri) => {
    const response = await browser.get(
      topupUrl({ client_id: wallet.client.clientId, return_uri: returnUri }),
    );
    expect(response.statusCode).toBe(200);
    expect(hiddenField(response.body, 'return_uri', '/topup')).toBe(returnUri);
  });

  it.each([
    ['other host', 'https://evil.example/wallet', 'evil.example'],
    ['look-alike host', 'https://app.example.com.evil.example/wallet', 'evil.example'],
    ['other port', 'https://app.example.com:8443/wallet', ':8443'],
    ['other scheme', 'http://app.example.com/wallet', 'http://app.example.com'],
    ['javascript:', 'javascript:alert(document.cookie)', 'javascript:'],
    ['userinfo trick', 'https://app.example.com@evil.example/wallet', 'evil.example'],
    ['scheme-relative', '//evil.example/wallet', 'evil.example'],
    ['backslash trick', 'https://app.example.com\\@evil.example/', 'evil.example'],
  ])('refuses %s with a 400 page that shows the URI nowhere', async (_name, returnUri, marker) => {
    const response = await browser.get(
      topupUrl({ client_id: wallet.client.clientId, return_uri: returnUri }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.body).toContain('Invalid return address');
    for (const form of [returnUri, encodeURIComponent(returnUri), returnUri.replace(/&/g, '&amp;'), marker]) {
      expect(response.body).not.toContain(form);
    }
    expect(response.body).not.toContain('name="code"');
  });

  it('refuses a return_uri without client_id, and a repeated one', async () => {
    const alone = await browser.get(topupUrl({ return_uri: 'https://app.example.com/wallet' }));
    expect(alone.statusCode).toBe(400);
    expect(alone.body).not.toContain('app.example.com');

    const twice = await browser.get(
      `/topup?client_id=${wallet.client.clientId}&return_uri=${encodeURIComponent('https://app.example.com/a')}&return_uri=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(twice.statusCode).toBe(400);
    expect(twice.body).not.toContain('evil.example');
  });

  it('escapes a return_uri whose query carries markup', async () => {
    const returnUri = 'https://app.example.com/wallet?q="><script>alert(1)</script>';
    const response = await browser.get(
      topupUrl({ client_id: wallet.client.clientId, return_uri: returnUri }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<script>');
    const carried = hiddenField(response.body, 'return_uri', '/topup');
    expect(carried.replace(/&lt;/g, '<').replace(/&gt;/g, '>')).toBe(returnUri);
  });
});

describe('POST /topup', () => {
  it('credits a code once and leads back to the app with topup=success, the query kept', async () => {
    const { user, browser } = await signedIn();
    await credit(user, 2n * USD);
    const { codes, batchId } = await createCodes(5n * USD);
    const returnUri = 'https://app.example.com/wallet?tab=billing&x=1#section';
    const response = await redeem(browser, `  ${codes[0]!}\n`, {
      client_id: wallet.client.clientId,
      return_uri: returnUri,
    });

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Top-up complete');
    expect(response.body).toMatch(/<strong>5\.00 USD<\/strong> was added/);
    expect(response.body).toMatch(/New balance<\/dt><dd><strong>7\.00 USD<\/strong>/);
    expect(backButtonUrl(response.body)).toBe('https://app.example.com/wallet?tab=billing&x=1&topup=success');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['referrer-policy']).toBe('no-referrer');

    expect(await quotaOf(user)).toBe(7n * USD);
    const topups = (await world.stores.db.ledger.listEntries(user.id, 10)).filter((e) => e.kind === 'topup');
    expect(topups).toHaveLength(1);
    expect(topups[0]).toMatchObject({ amount: 5n * USD, reference: batchId, balanceAfter: 7n * USD });

    const [event] = await world.stores.db.audit.list({ userId: user.id, type: 'balance.topup', limit: 5 });
    expect(event).toMatchObject({ clientId: wallet.client.clientId, actor: `user:${user.id}` });
    expect(event!.data).toMatchObject({ batch_id: batchId, quota: (5n * USD).toString() });
    const logged = JSON.stringify(event);
    expect(logged).not.toContain(codes[0]!);
    expect(logged).not.toContain(sha256Hex(codes[0]!));

    // The same code again: used, nothing changes.
    const again = await redeem(browser, codes[0]!, {
      client_id: wallet.client.clientId,
      return_uri: returnUri,
    });
    expect(again.statusCode).toBe(400);
    expect(alertOf(again.body)).toBe(TOPUP_MESSAGES.used);
    expect(await quotaOf(user)).toBe(7n * USD);
    expect(await world.stores.db.ledger.listEntries(user.id, 10)).toHaveLength(2);
  });

  it('writes topup.completed for the app whose link brought the user, with the redemption (SEC-98)', async () => {
    const hooked = await seedClient(world.stores, {
      redirectUris: ['https://app.example.com/oauth/callback'],
    });
    await world.stores.db.webhooks.setEndpoint(hooked.client.id, {
      url: 'https://hooks.example.com/in',
      encryptedSecret: 'not read by this test',
    });
    const { user, browser } = await signedIn();
    const { codes } = await createCodes(3n * USD, 2);
    // Not granted yet: anyone may build a link with this client_id, so the app hears nothing.
    expect((await redeem(browser, codes[0]!, { client_id: hooked.client.clientId })).statusCode).toBe(200);
    expect(await world.stores.db.webhooks.list(hooked.client.id, 5)).toEqual([]);

    await world.stores.db.grants.upsert(user.id, hooked.client.id, ['profile']);
    expect((await redeem(browser, codes[1]!, { client_id: hooked.client.clientId })).statusCode).toBe(200);
    const events = await world.stores.db.webhooks.list(hooked.client.id, 5);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      [
        'topup.completed',
        {
          object: 'topup',
          sub: String(user.id),
          quota: (3n * USD).toString(),
          balance_quota: (6n * USD).toString(),
        },
      ],
    ]);
  });

  it('POST-redirect-GET: the result page reloads without redeeming again, and is this user’s only', async () => {
    const { user, browser } = await signedIn();
    const { codes } = await createCodes(2n * USD);
    const returnUri = 'https://app.example.com/wallet';
    const posted = await postRedeem(browser, codes[0]!, {
      client_id: wallet.client.clientId,
      return_uri: returnUri,
    });
    expect(posted.statusCode).toBe(303);
    const path = resultPath(posted);
    expect(new URL(path, ISSUER).searchParams.get('return_uri')).toBe(returnUri);

    for (let reload = 0; reload < 2; reload++) {
      const shown = await browser.get(path);
      expect(shown.statusCode).toBe(200);
      expect(shown.headers['cache-control']).toBe('no-store');
      expect(shown.body).toMatch(/<strong>2\.00 USD<\/strong> was added/);
      expect(backButtonUrl(shown.body)).toBe(`${returnUri}?topup=success`);
    }
    expect(await quotaOf(user)).toBe(2n * USD);
    expect(await world.stores.db.ledger.listEntries(user.id, 10)).toHaveLength(1);

    // Another user holding the link sees their own top-up form, not this result.
    const { browser: other } = await signedIn();
    const foreign = await other.get(path);
    expect(foreign.statusCode).toBe(302);
    expect(foreign.headers.location).toBe(
      topupUrl({ client_id: wallet.client.clientId, return_uri: returnUri }),
    );
    // An unknown or malformed result id: the form.
    expect((await browser.get('/topup/done?result=AAAAAAAAAAAAAAAAAAAAAA')).headers.location).toBe('/topup');
    expect((await browser.get('/topup/done?result=../x')).headers.location).toBe('/topup');
    // Signed out: to the login page, which brings the user back here.
    const signedOut = await new Browser(world.app).get(path);
    expect(signedOut.statusCode).toBe(302);
    expect(String(signedOut.headers.location)).toMatch(/^\/login\?return_to=/);
  });

  it('without the cache to keep the result in, the POST shows the committed credit itself', async () => {
    const failing = {
      ...world.stores.cache.stamps,
      set: async () => Promise.reject(new Error('cache down')),
    };
    const cache = new Proxy(world.stores.cache, {
      get: (target, prop) => (prop === 'stamps' ? failing : Reflect.get(target, prop)),
    });
    const broken = await buildApp({ ...world.stores, cache });
    try {
      const user = await seedUser(world.stores);
      const browser = new Browser(broken);
      expect((await browser.login(user.username)).statusCode).toBe(303);
      const { codes } = await createCodes(4n * USD);
      const response = await postRedeem(browser, codes[0]!);
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(/<strong>4\.00 USD<\/strong> was added/);
      expect(await quotaOf(user)).toBe(4n * USD);
    } finally {
      await broken.close();
    }
  });

  it('a refused code stays in the field as typed, so the user can correct it', async () => {
    const { browser } = await signedIn();
    const typo = `${randomToken(TOPUP_PREFIX).slice(0, -2)}"<`;
    const response = await redeem(browser, typo);
    expect(response.statusCode).toBe(400);
    // Escaped in the attribute: the page does not break out of it.
    expect(response.body).not.toContain('"<');
    expect(decodeEntities(codeFieldValue(response.body) ?? '')).toBe(typo);
    expect(codeFieldValue((await browser.get('/topup')).body)).toBe('');
  });

  it('shows no way back to an app when none was given', async () => {
    const { user, browser } = await signedIn();
    const { codes } = await createCodes(USD);
    const response = await redeem(browser, codes[0]!);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('1.00 USD');
    expect(response.body).not.toMatch(/(href|action)="https?:/);
    expect(await quotaOf(user)).toBe(USD);
  });

  it('the new balance is read fresh at once (the page and a userinfo-shaped read)', async () => {
    const { user, browser } = await signedIn();
    const { codes } = await createCodes(3n * USD);
    expect((await redeem(browser, codes[0]!)).statusCode).toBe(200);
    const page = await browser.get('/topup');
    expect(page.body).toContain('3.00 USD');
    // @gatehouse/resource is not a dependency of this package: the same fresh read and
    // shaping its userinfo route does (ledger.getBalance + shapeUserinfo) stands in for it.
    const info = shapeUserinfo({
      user,
      balance: await world.stores.db.ledger.getBalance(user.id),
      scopes: ['balance'],
      quotaPerUnit: USD,
      currency: 'USD',
      now: new Date(),
    });
    expect(info).toMatchObject({ quota: Number(3n * USD), balance_formatted: '3.00' });
  });

  it.each([
    ['unknown', async () => randomToken(TOPUP_PREFIX), TOPUP_MESSAGES.not_found],
    ['malformed', async () => 'gth_tc_not-a-real-code', TOPUP_MESSAGES.not_found],
    ['used', async () => usedCode(), TOPUP_MESSAGES.used],
    [
      'expired',
      async () => (await createCodes(USD, 1, new Date(Date.now() - 60_000))).codes[0]!,
      TOPUP_MESSAGES.expired,
    ],
  ])(
    'refuses a %s code with a message next to the field and changes nothing',
    async (_kind, code, message) => {
      const { user, browser } = await signedIn();
      await credit(user, USD);
      const response = await redeem(browser, await code(), { client_id: wallet.client.clientId });
      expect(response.statusCode).toBe(400);
      expect(alertOf(response.body)).toBe(message);
      expect(response.body).toMatch(
        /aria-describedby="code-error">\s*<p class="alert" role="alert" id="code-error">/,
      );
      expect(response.body).toContain('1.00 USD');
      expect(await quotaOf(user)).toBe(USD);
      expect(await world.stores.db.ledger.listEntries(user.id, 10)).toHaveLength(1);
      const [failed] = await world.stores.db.audit.list({
        userId: user.id,
        type: 'balance.topup_failed',
        limit: 1,
      });
      expect(failed?.data).toHaveProperty('reason');
    },
  );

  it('asks for a code when none is given, without counting it', async () => {
    const { browser } = await signedIn();
    const response = await redeem(browser, '   ');
    expect(response.statusCode).toBe(400);
    expect(alertOf(response.body)).toBe(TOPUP_MESSAGES.empty);
  });

  it('refuses a POST without a CSRF token or from another origin: 403, nothing redeemed', async () => {
    const { user, browser } = await signedIn();
    const { codes } = await createCodes(USD);
    const csrf = await csrfOf(browser);

    const missing = await browser.post('/topup', { code: codes[0]! });
    expect(missing.statusCode).toBe(403);
    const wrong = await browser.post('/topup', { code: codes[0]!, _csrf: 'x'.repeat(43) });
    expect(wrong.statusCode).toBe(403);
    const foreign = await browser.post(
      '/topup',
      { code: codes[0]!, _csrf: csrf },
      { origin: 'https://evil.example' },
    );
    expect(foreign.statusCode).toBe(403);
    const signedOut = await new Browser(world.app).post('/topup', { code: codes[0]!, _csrf: csrf });
    expect(signedOut.statusCode).toBe(403);
    expect(await quotaOf(user)).toBe(0n);
    expect(await world.stores.db.ledger.listEntries(user.id, 10)).toHaveLength(0);

    // The code was never touched: it still works.
    expect((await redeem(browser, codes[0]!)).statusCode).toBe(200);
    expect(await quotaOf(user)).toBe(USD);
  });

  it('re-checks client_id and return_uri on POST before touching the code', async () => {
    const { user, browser } = await signedIn();
    const { codes } = await createCodes(USD);
    const csrf = await csrfOf(browser);
    const tampered = await browser.post('/topup', {
      _csrf: csrf,
      code: codes[0]!,
      client_id: wallet.client.clientId,
      return_uri: 'https://evil.example/wallet',
    });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.body).not.toContain('evil.example');
    const noClient = await browser.post('/topup', {
      _csrf: csrf,
      code: codes[0]!,
      return_uri: 'https://app.example.com/wallet',
    });
    expect(noClient.statusCode).toBe(400);
    expect(await quotaOf(user)).toBe(0n);
    expect((await redeem(browser, codes[0]!)).statusCode).toBe(200);
  });
});

describe('the balance cap (SEC-32)', () => {
  it('refuses a code that would pass 2^53 - 1 with a 409 page; the code stays usable by another account', async () => {
    const { user, browser } = await signedIn();
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    await credit(user, max - USD + 1n);
    const { codes } = await createCodes(USD);
    const response = await redeem(browser, codes[0]!);
    expect(response.statusCode).toBe(409);
    expect(alertOf(response.body)).toBe(TOPUP_MESSAGES.balance_limit);
    expect(await quotaOf(user)).toBe(max - USD + 1n);
    const other = await signedIn();
    expect((await redeem(other.browser, codes[0]!)).statusCode).toBe(200);
    expect(await quotaOf(other.user)).toBe(USD);
  });
});

describe('throttling failed redemptions', () => {
  it('answers 429 with Retry-After after repeated failures; successes do not count', async () => {
    const { user, browser } = await signedIn();
    const limit = TOPUP_THROTTLE.failuresPerUser;
    const { codes } = await createCodes(USD, 2);
    for (let i = 0; i < limit - 1; i++) {
      expect((await redeem(browser, randomToken(TOPUP_PREFIX))).statusCode).toBe(400);
    }
    // One failure short of the limit, a good code still works — and does not count.
    expect((await redeem(browser, codes[0]!)).statusCode).toBe(200);
    expect((await redeem(browser, randomToken(TOPUP_PREFIX))).statusCode).toBe(400);

    const blocked = await redeem(browser, randomToken(TOPUP_PREFIX));
    expect(blocked.statusCode).toBe(429);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(TOPUP_THROTTLE.windowSeconds);
    expect(alertOf(blocked.body)).toMatch(/Too many attempts/);

    // Blocked means not looked up: even a good code waits, and stays unused.
    const good = await redeem(browser, codes[1]!);
    expect(good.statusCode).toBe(429);
    expect(await quotaOf(user)).toBe(USD);

    // Per user: someone else is not affected, and can still use that code.
    const { user: other, browser: otherBrowser } = await signedIn();
    expect((await redeem(otherBrowser, codes[1]!)).statusCode).toBe(200);
    expect(await quotaOf(other)).toBe(USD);
  });

  it('a burst of parallel guesses cannot slip past the limit', async () => {
    const { user, browser } = await signedIn();
    const csrf = await csrfOf(browser);
    const burst = 80;
    const responses = await Promise.all(
      Array.from({ length: burst }, () =>
        browser.post('/topup', { _csrf: csrf, code: randomToken(TOPUP_PREFIX) }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 400 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(TOPUP_THROTTLE.attemptsPerUser);
    const failures = await world.stores.db.audit.list({
      userId: user.id,
      type: 'balance.topup_failed',
      limit: 200,
    });
    expect(failures.length).toBeLessThanOrEqual(TOPUP_THROTTLE.attemptsPerUser);
  });
});

describe('one code, 100 concurrent redemptions over HTTP (SEC-25)', () => {
  it('credits exactly once', async () => {
    const users = await Promise.all(Array.from({ length: 25 }, () => seedUser(world.stores)));
    // 100 signed-in sessions: four browsers per user, so both one user racing themself
    // and many users racing each other are covered.
    const sessions = await Promise.all(
      users.flatMap((user) =>
        Array.from({ length: 4 }, async () => {
          const { browser } = await signedIn(user);
          return { user, browser, csrf: await csrfOf(browser) };
        }),
      ),
    );
    expect(sessions).toHaveLength(100);
    const { codes } = await createCodes(7n * USD);

    const responses = await Promise.all(
      sessions.map(({ browser, csrf }) =>
        browser.post('/topup', { _csrf: csrf, code: codes[0]!, client_id: wallet.client.clientId }),
      ),
    );

    const won = responses.filter((r) => r.statusCode === 303);
    expect(won).toHaveLength(1);
    const winnerPage = await sessions[responses.indexOf(won[0]!)]!.browser.get(resultPath(won[0]!));
    expect(winnerPage.body).toContain('Top-up complete');
    for (const lost of responses.filter((r) => r.statusCode !== 303)) {
      expect(lost.statusCode).toBe(400);
      expect(alertOf(lost.body)).toBe(TOPUP_MESSAGES.used);
    }

    const winner = sessions[responses.indexOf(won[0]!)]!.user;
    const balances = await Promise.all(users.map((u) => quotaOf(u)));
    expect(balances.reduce((a, b) => a + b, 0n)).toBe(7n * USD);
    expect(await quotaOf(winner)).toBe(7n * USD);
    const entries = (
      await Promise.all(users.map((u) => world.stores.db.ledger.listEntries(u.id, 10)))
    ).flat();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ userId: winner.id, kind: 'topup', amount: 7n * USD });
  });
});
