import { authorizeAsUser } from '@gatehouse/stack/testing';
import type { CpuProcesses } from '../cpu.js';
import { BenchBrowser, codeFrom, postToken, tokenForm } from '../gatehouse/http-mint.js';
import type { BaseSeed } from '../gatehouse/seed.js';
import { type Phase, Pool, Ring, runHttpLoad, runLoops } from '../load.js';
import type { BenchOptions } from '../options.js';
import type { ServerProcess } from '../processes.js';
import { measure, type ScenarioResult } from '../scenario.js';

/** What the Gatehouse scenarios share: the running stack and the seeded client and users. */
export interface GatehouseTarget {
  options: BenchOptions;
  stack: ServerProcess;
  seed: BaseSeed;
  /** The stack's process, its Postgres backends and Redis: whose CPU a request costs. */
  cpu: CpuProcesses;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function clientAuth(seed: BaseSeed): string {
  return `client_id=${encodeURIComponent(seed.client.clientId)}&client_secret=${encodeURIComponent(seed.client.secret)}`;
}

function shape(options: BenchOptions, seconds: number, phase: Phase) {
  return { connections: options.connections, duration: seconds, phase };
}

/**
 * A token-endpoint scenario: every request posts `form(next credential)` from a pool that is
 * never reused (codes and rotated refresh tokens are single use). A probe request first
 * proves the form works.
 */
async function tokenGrantScenario(
  t: GatehouseTarget,
  credentials: string[],
  scenario: { id: string; title: string; data?: 'small' | 'large'; form: (credential: string) => string },
): Promise<ScenarioResult> {
  const { stack, options } = t;
  const pool = new Pool(credentials);
  const probe = await postToken(stack.origin, scenario.form(pool.next()));
  if (!probe.refresh_token) throw new Error(`${scenario.id} probe: no refresh_token in the response`);
  return measure(options, {
    id: scenario.id,
    title: scenario.title,
    kind: 'token',
    data: scenario.data,
    server: stack,
    cpu: t.cpu,
    run: (seconds, phase) =>
      runHttpLoad(
        {
          origin: stack.origin,
          method: 'POST',
          path: '/api/oauth2/token',
          headers: FORM,
          vary: () => ({ body: scenario.form(pool.next()) }),
          pool,
        },
        shape(options, seconds, phase),
      ),
  });
}

/** Scenario 2: `authorization_code` exchange; every request redeems a fresh pre-minted code. */
export function codeExchange(t: GatehouseTarget, codes: string[]): Promise<ScenarioResult> {
  const tail = `&redirect_uri=${encodeURIComponent(t.seed.client.redirectUri)}&${clientAuth(t.seed)}`;
  return tokenGrantScenario(t, codes, {
    id: 'code-exchange',
    title: '2 Gatehouse: authorization_code exchange',
    form: (code) => `grant_type=authorization_code&code=${encodeURIComponent(code)}${tail}`,
  });
}

/** Scenario 3: `refresh_token` grant with rotation; every request presents a fresh refresh token. */
export function refreshGrant(
  t: GatehouseTarget,
  tokens: string[],
  data: 'small' | 'large',
): Promise<ScenarioResult> {
  const tail = `&${clientAuth(t.seed)}`;
  return tokenGrantScenario(t, tokens, {
    id: 'refresh',
    title: '3 Gatehouse: refresh_token grant + rotation',
    data,
    form: (token) => `grant_type=refresh_token&refresh_token=${encodeURIComponent(token)}${tail}`,
  });
}

/** Scenario 4: `GET /api/oauth2/userinfo` with a `profile balance` access token. */
export async function userinfo(
  t: GatehouseTarget,
  accessTokens: string[],
  data: 'small' | 'large',
): Promise<ScenarioResult> {
  const { stack, options } = t;
  const ring = new Ring(accessTokens);
  const probe = await fetch(`${stack.origin}/api/oauth2/userinfo`, {
    headers: { authorization: `Bearer ${ring.next()}` },
  });
  const text = await probe.text();
  if (probe.status !== 200) throw new Error(`userinfo probe answered ${probe.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { username?: string; balance?: { amount?: string } };
  if (!body.username || !body.balance?.amount)
    throw new Error(`userinfo probe: missing profile or balance fields: ${text.slice(0, 300)}`);
  return measure(options, {
    id: 'userinfo',
    title: '4 Gatehouse: GET userinfo (profile balance)',
    kind: 'userinfo',
    data,
    server: stack,
    cpu: t.cpu,
    run: (seconds, phase) =>
      runHttpLoad(
        {
          origin: stack.origin,
          method: 'GET',
          path: '/api/oauth2/userinfo',
          vary: () => ({ headers: { authorization: `Bearer ${ring.next()}` } }),
        },
        shape(options, seconds, phase),
      ),
  });
}

/** Scenario 5: `POST /api/oauth2/introspect` of live access tokens. */
export async function introspect(t: GatehouseTarget, accessTokens: string[]): Promise<ScenarioResult> {
  const { stack, seed, options } = t;
  const ring = new Ring(accessTokens);
  const tail = `&${clientAuth(seed)}`;
  const form = (token: string) => `token=${encodeURIComponent(token)}${tail}`;
  const probe = await fetch(`${stack.origin}/api/oauth2/introspect`, {
    method: 'POST',
    headers: FORM,
    body: form(ring.next()),
  });
  const text = await probe.text();
  if (probe.status !== 200 || (JSON.parse(text) as { active?: boolean }).active !== true) {
    throw new Error(`introspect probe answered ${probe.status}: ${text.slice(0, 300)}`);
  }
  return measure(options, {
    id: 'introspect',
    title: '5 Gatehouse: POST introspect',
    kind: 'userinfo',
    server: stack,
    cpu: t.cpu,
    run: (seconds, phase) =>
      runHttpLoad(
        {
          origin: stack.origin,
          method: 'POST',
          path: '/api/oauth2/introspect',
          headers: FORM,
          vary: () => ({ body: form(ring.next()) }),
        },
        shape(options, seconds, phase),
      ),
  });
}

/**
 * Scenario 6: the whole browser flow, N concurrent browsers, each iteration a new browser (no
 * cookies): authorize → login page → login (argon2id) → authorize again, consent remembered →
 * code → token exchange.
 */
export async function browserFlow(t: GatehouseTarget): Promise<ScenarioResult> {
  const { stack, seed, options } = t;
  const authorize = (state: string) =>
    `/api/oauth2/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: seed.client.clientId,
      redirect_uri: seed.client.redirectUri,
      scope: 'profile balance',
      state,
    })}`;
  let next = 0;
  const flow = async () => {
    const user = seed.users[next++ % seed.users.length]!;
    const browser = new BenchBrowser(stack.origin);
    const state = `s${next}`;
    const { callback, consentShown } = await authorizeAsUser(browser, authorize(state), {
      username: user.username,
      password: seed.password,
    });
    if (consentShown) throw new Error('consent page shown although the consent is remembered');
    if (callback.searchParams.get('state') !== state) throw new Error('state not echoed');
    const code = codeFrom(callback);
    await postToken(
      stack.origin,
      tokenForm(seed, { grant_type: 'authorization_code', code, redirect_uri: seed.client.redirectUri }),
    );
    return { requests: browser.count + 1 };
  };
  await flow(); // probe
  return measure(options, {
    id: 'browser-flow',
    title: '6 Gatehouse: whole browser flow (login → code → token)',
    kind: 'flow',
    server: stack,
    cpu: t.cpu,
    notes: [
      `${options.flowLoops} concurrent browsers; each flow is ~6 HTTP requests and one argon2id verification`,
    ],
    run: (seconds) => runLoops(options.flowLoops, seconds, flow),
  });
}
