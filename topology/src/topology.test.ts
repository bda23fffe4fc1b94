/**
 * End to end: the production topology as real processes (authorize ×1, token ×2,
 * resource ×1, Caddy with deploy/Caddyfile, a private database behind a TCP proxy and a
 * private redis-server), driven over HTTPS through the gateway only.
 *
 * Run it with `pnpm --filter @gatehouse/topology test` (CI has its own step for it). The
 * monorepo-wide `pnpm test` (turbo) skips it: it needs root or preinstalled caddy, the
 * machine's Postgres, and both cores to itself for its timing-sensitive drain check.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizeAsUser } from '@gatehouse/stack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayClient, type GatewayResponse, HttpsBrowser } from './https-client.js';
import { eventually, isOurs, sleep } from './processes.js';
import { redisClusterWhole, type ServiceName, startTopology, type Topology } from './topology.js';

const underTurbo = process.env.TURBO_HASH !== undefined;
if (underTurbo) {
  console.warn('topology test skipped under turbo; run: pnpm --filter @gatehouse/topology test');
}

const ADMIN_TOKEN = `gth_admin_${randomBytes(32).toString('base64url')}`;
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const DRAIN_DELAY_MS = 2000;
/** TOPOLOGY_REDIS=cluster runs the same suite on a private 3+3 Redis Cluster, plus a failover. */
const REDIS_MODE = process.env.TOPOLOGY_REDIS === 'cluster' ? 'cluster' : 'single';

/** Numbers worth reporting, printed at the end. */
const measured: Record<string, number | string> = {};
const progress: string[] = [];
const started = Date.now();
const note = (line: string) => progress.push(`${String(Date.now() - started).padStart(6)} ms  ${line}`);

describe.skipIf(underTurbo)('the production topology behind the gateway', () => {
  let dir: string;
  let topology: Topology | undefined;
  let gateway: GatewayClient;
  let browser: HttpsBrowser;
  const user = {
    id: 0,
    username: `topo_${randomBytes(4).toString('hex')}`,
    password: `pw-${randomBytes(12).toString('base64url')}`,
  };
  const app = { clientId: '', clientSecret: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-topology-test-'));
    const startedAt = Date.now();
    topology = await startTopology({
      dir,
      adminToken: ADMIN_TOKEN,
      drainDelayMs: DRAIN_DELAY_MS,
      redis: REDIS_MODE,
      progress: note,
    });
    measured['start-up (ms)'] = Date.now() - startedAt;
    gateway = topology.client(32);
    browser = new HttpsBrowser(gateway);
  }, 120_000);

  afterAll(async () => {
    gateway?.close();
    await topology?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(
      [
        'topology measurements:',
        ...Object.entries(measured).map(([k, v]) => `  ${k}: ${v}`),
        'progress:',
        ...progress.map((line) => `  ${line}`),
      ].join('\n'),
    );
  }, 60_000);

  // ---- helpers -------------------------------------------------------------------------

  const admin = (path: string, json?: unknown, headers: Record<string, string> = {}) =>
    gateway.request(`/api/admin${path}`, {
      method: json === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
      ...(json === undefined ? {} : { json }),
    });

  const token = (form: Record<string, string>) =>
    gateway.request('/api/oauth2/token', {
      form: { ...form, client_id: app.clientId, client_secret: app.clientSecret },
    });

  const introspect = (value: string) =>
    gateway.request('/api/oauth2/introspect', {
      form: { token: value, client_id: app.clientId, client_secret: app.clientSecret },
    });

  const userinfo = (accessToken: string) =>
    gateway.request('/api/oauth2/userinfo', { headers: { authorization: `Bearer ${accessToken}` } });

  const authorizeUrl = (state: string) =>
    `/api/oauth2/authorize?${new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'profile balance',
      state,
    })}`;

  /** A fresh authorization code for a user who already granted the app (no consent page). */
  async function newCode(): Promise<string> {
    const state = randomUUID();
    const answer = await browser.request(authorizeUrl(state));
    const location = new URL(answer.headers.get('location') ?? '', gateway.origin);
    expect(answer.status, `authorize answered ${answer.status}`).toBe(302);
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe(state);
    return location.searchParams.get('code')!;
  }

  interface Pair {
    access: string;
    refresh: string;
  }

  async function exchange(code: string): Promise<Pair> {
    const answer = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    expect(answer.status, answer.text).toBe(200);
    const body = answer.json<{ access_token: string; refresh_token: string }>();
    return { access: body.access_token, refresh: body.refresh_token };
  }

  async function refresh(pair: Pair): Promise<GatewayResponse> {
    const answer = await token({ grant_type: 'refresh_token', refresh_token: pair.refresh });
    if (answer.status === 200) {
      const body = answer.json<{ access_token: string; refresh_token: string }>();
      pair.access = body.access_token;
      pair.refresh = body.refresh_token;
    }
    return answer;
  }

  const readyz = async () => (await gateway.request('/readyz')).status;

  /** Log lines of a service written after `offset` characters. */
  const logOf = (name: string, offset = 0) => readFileSync(topology!.process(name).log, 'utf8').slice(offset);

  function expectJson503(answer: GatewayResponse, what: string): void {
    expect(answer.status, `${what}: ${answer.status} ${answer.text}`).toBe(503);
    // The service's own answer (Fastify adds the charset), not the gateway's generic one.
    expect(answer.header('content-type'), what).toBe('application/json; charset=utf-8');
    const body = answer.json<{ error?: string; success?: boolean }>();
    expect(['temporarily_unavailable', 'server_error', undefined], what).toContain(body.error);
    expect(answer.text, what).not.toMatch(/stack|ECONN|postgres|redis/i);
  }

  async function expectFriendly503(path: string): Promise<void> {
    const answer = await browser.request(path);
    const html = await answer.text();
    expect(answer.status, `${path}: ${html.slice(0, 200)}`).toBe(503);
    expect(answer.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toMatch(/temporarily unavailable/i);
    expect(html).toMatch(/<link[^>]+gatehouse\.css|<style/i); // the service's own page, not a bare gateway error
  }

  /**
   * The authorize endpoint during an outage: the friendly 503 page, or (once client and
   * redirect URI are checked) RFC 6749's temporarily_unavailable redirect; never a code.
   */
  async function expectNoCode(path: string): Promise<void> {
    const answer = await browser.request(path);
    if (answer.status === 302) {
      const location = new URL(answer.headers.get('location')!, gateway.origin);
      expect(location.searchParams.get('code')).toBeNull();
      expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
      return;
    }
    expect(answer.status).toBe(503);
    expect(await answer.text()).toMatch(/temporarily unavailable/i);
  }

  // ---- the tests -----------------------------------------------------------------------

  it('routes every path prefix of API.md to its owner service', async () => {
    const table: [string, string, ServiceName][] = [
      ['POST', '/api/oauth2/token', 'token'],
      ['POST', '/api/oauth2/revoke', 'token'],
      ['POST', '/api/oauth2/introspect', 'token'],
      ['GET', '/api/oauth2/userinfo', 'resource'],
      ['GET', '/api/oauth2/topup', 'resource'],
      ['GET', '/api/oauth_apps', 'resource'],
      ['GET', '/api/oauth_apps/12', 'resource'],
      ['GET', '/api/admin/users', 'resource'],
      ['GET', '/api/oauth2/authorize', 'authorize'],
      ['GET', '/login', 'authorize'],
      ['GET', '/signup', 'authorize'],
      ['POST', '/logout', 'authorize'],
      ['GET', '/account', 'authorize'],
      ['GET', '/console', 'authorize'],
      ['GET', '/topup', 'authorize'],
      ['GET', '/.well-known/oauth-authorization-server', 'authorize'],
      ['GET', '/assets/gatehouse.css', 'authorize'],
      ['GET', '/api/oauth2/tokens', 'authorize'],
      ['GET', '/api/something-else', 'authorize'],
    ];
    const probes = table.map(([method, path, owner]) => ({ method, path, owner, id: randomUUID() }));
    await Promise.all(
      probes.map(({ method, path, id }) =>
        gateway.request(
          `${path}?topology_probe=${id}`,
          method === 'POST' ? { method, form: {} } : { method },
        ),
      ),
    );
    const services = topology!.services().map((s) => s.name);
    for (const probe of probes) {
      let servedBy: string[] = [];
      await eventually(
        () => {
          servedBy = services.filter((name) => logOf(name).includes(probe.id));
          return servedBy.length > 0;
        },
        5000,
        `a service to log ${probe.path}`,
      );
      expect(
        servedBy.map((name) => name.replace(/-\d+$/, '')),
        `${probe.method} ${probe.path}`,
      ).toEqual([probe.owner]);
    }
  });

  it('serves one HTTPS origin: https issuer, __Host- secure cookies, forwarded headers only from the gateway', async () => {
    const metadata = (await gateway.request('/.well-known/oauth-authorization-server')).json<{
      issuer: string;
      token_endpoint: string;
    }>();
    expect(metadata.issuer).toBe(topology!.url);
    expect(metadata.token_endpoint).toBe(`${topology!.url}/api/oauth2/token`);

    const login = await gateway.request('/login', {
      headers: {
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-for': '203.0.113.9',
      },
    });
    expect(login.status).toBe(200);
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^__Host-/);
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*Path=\//i);
    }
    expect(login.header('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(login.header('server')).toBeUndefined();
    // Caddy replaced the client's X-Forwarded-* with its own, so the spoofed address never
    // reaches the service as the client IP.
    await sleep(200);
    expect(logOf('authorize')).not.toContain('203.0.113.9');
  });

  it('runs login → consent → token → userinfo → refresh over HTTPS through the gateway', async () => {
    const created = await admin('/users', {
      username: user.username,
      email: `${user.username}@example.com`,
      password: user.password,
    });
    expect(created.status, created.text).toBe(201);
    user.id = created.json<{ data: { id: number } }>().data.id;
    const credit = await admin(
      `/users/${user.id}/credits`,
      { quota: 375_000_000, reason: 'topology test' },
      { 'idempotency-key': randomUUID() },
    );
    expect(credit.status, credit.text).toBeLessThan(300);
    const registered = await admin('/clients', { name: 'Topology App', redirect_uris: [REDIRECT_URI] });
    expect(registered.status, registered.text).toBe(201);
    const data = registered.json<{ data: { client_id: string; client_secret: string } }>().data;
    app.clientId = data.client_id;
    app.clientSecret = data.client_secret;

    const state = randomUUID();
    const result = await authorizeAsUser(browser, authorizeUrl(state), user);
    expect(result.consentShown).toBe(true);
    expect(result.callback.origin + result.callback.pathname).toBe(REDIRECT_URI);
    expect(result.callback.searchParams.get('state')).toBe(state);
    expect(result.callback.searchParams.get('iss')).toBe(topology!.url);
    expect(browser.cookieNames().every((name) => name.startsWith('__Host-'))).toBe(true);

    const exchanged = await token({
      grant_type: 'authorization_code',
      code: result.callback.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
    });
    expect(exchanged.status, exchanged.text).toBe(200);
    expect(exchanged.header('cache-control')).toMatch(/no-store/);
    const body = exchanged.json<{ access_token: string; refresh_token: string; scope: string }>();
    expect(body.access_token).toMatch(/^gth_at_/);
    expect(body.scope).toBe('profile balance');
    const pair = { access: body.access_token, refresh: body.refresh_token };

    const info = await userinfo(pair.access);
    expect(info.status, info.text).toBe(200);
    expect(info.json()).toMatchObject({ username: user.username, id: user.id, balance_formatted: '750.00' });

    const rotated = await refresh(pair);
    expect(rotated.status, rotated.text).toBe(200);
    expect(pair.refresh).not.toBe(body.refresh_token);
    expect((await userinfo(pair.access)).status).toBe(200);
    expect((await introspect(pair.access)).json()).toMatchObject({ active: true, username: user.username });
  });

  it('loses no token request while one token instance drains, exits and restarts under load', async () => {
    const WORKERS = 10;
    const TOTAL = 400;
    const PACE_MS = 150;
    const SIGTERM_AT = 80;
    // One grant per worker (refresh tokens rotate, so workers never share one), plus a
    // witness issued before the restart and left alone until after it.
    const pairs: Pair[] = [];
    for (let i = 0; i <= WORKERS; i++) pairs.push(await exchange(await newCode()));
    const witness = pairs.pop()!;

    const tokenOne = topology!.process('token-1');
    const logOffset = logOf('token-1').length;
    const offsets = { gateway: logOf('gateway').length, 'token-2': logOf('token-2').length };
    let sent = 0;
    let ok = 0;
    const failures: string[] = [];
    let sigtermAt = 0;
    let drained: Promise<void> = Promise.resolve();
    const restart = { exitMs: 0, readyMs: 0, readyAt: 0 };

    const record = (answer: GatewayResponse, what: string, good: boolean) => {
      if (good) ok++;
      else failures.push(`${what}: ${answer.status} ${answer.text.slice(0, 200)}`);
    };
    // The load lasts until the restarted token-1 has been ready for a while, however long
    // its start takes on a loaded machine, so the gateway's return to it is part of the run.
    const loadGoesOn = () =>
      sent < TOTAL || (sent < 3 * TOTAL && (restart.readyAt === 0 || Date.now() - restart.readyAt < 2_000));
    const worker = async (pair: Pair) => {
      let turn = 0;
      while (loadGoesOn()) {
        sent++;
        if (sent === SIGTERM_AT) {
          sigtermAt = Date.now();
          note('SIGTERM token-1 under load');
          drained = (async () => {
            restart.exitMs = await topology!.stop('token-1', 'SIGTERM');
            note('token-1 exited; restarting it');
            const restartedAt = Date.now();
            await topology!.start('token-1');
            restart.readyMs = Date.now() - restartedAt;
            restart.readyAt = Date.now();
            note('token-1 ready again');
          })();
        }
        try {
          if (turn++ % 2 === 0) {
            const answer = await refresh(pair);
            record(answer, 'refresh', answer.status === 200);
          } else {
            const answer = await introspect(pair.access);
            record(answer, 'introspect', answer.status === 200 && answer.json().active === true);
          }
        } catch (error) {
          failures.push(`transport: ${(error as Error).message}`);
        }
        await sleep(PACE_MS);
      }
    };

    const loadStarted = Date.now();
    await Promise.all(pairs.map(worker));
    const loadMs = Date.now() - loadStarted;
    await drained;

    // A failure names what the gateway saw: its health checks, and token-2's readiness warnings.
    const healthLines = () =>
      [
        ...logOf('gateway', offsets.gateway)
          .split('\n')
          .filter((line) => /health|unhealthy|no upstreams/i.test(line)),
        ...logOf('token-2', offsets['token-2'])
          .split('\n')
          .filter((line) => line.includes('not ready')),
      ].slice(-40);
    expect(failures, failures.length > 0 ? healthLines().join('\n') : '').toEqual([]);
    expect(ok).toBe(sent);
    expect(sent).toBeGreaterThanOrEqual(TOTAL);
    // It drained (readiness 503 for DRAIN_DELAY_MS) before it exited.
    expect(restart.exitMs).toBeGreaterThanOrEqual(DRAIN_DELAY_MS - 50);
    expect(topology!.process('token-1').pid).not.toBe(tokenOne.pid);

    // When did the gateway stop and resume sending token-1 traffic? (pino's `time`, ms)
    const timesOf = (text: string) =>
      text
        .split('\n')
        .filter((line) => line.includes('"incoming request"') && line.includes('/api/oauth2/'))
        .map((line) => (JSON.parse(line) as { time: number }).time);
    const after = timesOf(logOf('token-1', logOffset));
    const lastBeforeExit = Math.max(...after.filter((t) => t < sigtermAt + restart.exitMs));
    const firstAfterRestart = Math.min(...after.filter((t) => t >= sigtermAt + restart.exitMs));
    expect(firstAfterRestart, 'the restarted token-1 takes traffic again').toBeLessThan(Infinity);

    // Tokens issued before the restart still work, and so does every worker's latest pair.
    expect((await introspect(witness.access)).json()).toMatchObject({ active: true });
    expect((await userinfo(witness.access)).status).toBe(200);
    expect((await refresh(witness)).status).toBe(200);
    for (const pair of pairs) {
      expect((await userinfo(pair.access)).status).toBe(200);
      expect((await refresh(pair)).status).toBe(200);
    }

    measured['drain: requests sent / ok / failed'] = `${sent} / ${ok} / ${failures.length}`;
    measured['drain: load duration (ms)'] = loadMs;
    measured['drain: SIGTERM → token-1 exited (ms)'] = restart.exitMs;
    measured['drain: last request token-1 got after SIGTERM (ms)'] = lastBeforeExit - sigtermAt;
    measured['drain: restart → token-1 ready (ms)'] = restart.readyMs;
    measured['drain: ready → first gateway request to token-1 (ms)'] = firstAfterRestart - restart.readyAt;
  }, 90_000);

  it.runIf(REDIS_MODE === 'cluster')(
    'a Redis Cluster master dies under token load: 503 at worst, no code accepted twice, back within seconds',
    async () => {
      const pids = topology!.services().map((s) => s.pid);
      const pairs: Pair[] = [];
      for (let i = 0; i < 6; i++) pairs.push(await exchange(await newCode()));
      const codes: string[] = [];
      for (let i = 0; i < 24; i++) codes.push(await newCode());

      // Any answer but these is a wrong answer: a 200, or the service's own 503.
      const unexpected: string[] = [];
      const healthy = (answer: GatewayResponse, what: string): boolean => {
        if (answer.status === 200) return true;
        const error = answer.status === 503 ? answer.json<{ error?: string }>().error : undefined;
        if (error !== 'temporarily_unavailable') unexpected.push(`${what}: ${answer.status} ${answer.text}`);
        return false;
      };
      let running = true;
      let lastFailureAt = 0;
      const load = pairs.map(async (pair) => {
        while (running) {
          const ok =
            healthy(await refresh(pair), 'refresh') && healthy(await userinfo(pair.access), 'userinfo');
          if (!ok) lastFailureAt = Date.now();
        }
      });

      await sleep(500);
      const master = clusterMaster();
      note(`killing redis master ${master}`);
      await topology!.stop(master, 'SIGKILL');
      const killedAt = Date.now();

      // Each code is presented twice at once while the cluster fails over: one 200 at most.
      const accepted = new Map<string, number>();
      for (const code of codes) {
        const answers = await Promise.all(
          [1, 2].map(() => token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })),
        );
        for (const answer of answers) {
          if (answer.status === 200) accepted.set(code, (accepted.get(code) ?? 0) + 1);
          else if (answer.status !== 400 && answer.status !== 503)
            unexpected.push(`code: ${answer.status} ${answer.text}`);
        }
        await sleep(100);
      }

      // Recovered: every pair refreshes and reads userinfo for 2 s without a failure.
      await eventually(async () => Date.now() - Math.max(lastFailureAt, killedAt) > 2000, 30_000, 'recovery');
      running = false;
      await Promise.all(load);
      measured['redis master killed → last failed request (ms)'] = Math.max(0, lastFailureAt - killedAt);

      expect(unexpected).toEqual([]);
      expect([...accepted.values()].every((count) => count === 1)).toBe(true);
      // Refresh tokens live in Postgres: every family still refreshes.
      for (const pair of pairs) expect((await refresh(pair)).status).toBe(200);
      expect(
        topology!.services().map((s) => s.pid),
        'no service was restarted',
      ).toEqual(pids);

      // The old master rejoins as a replica, so the later tests see a whole cluster.
      await topology!.start(master);
      await clusterWhole('redis cluster whole after the failover');
    },
    90_000,
  );

  /** The cluster's redis-N processes. */
  const clusterNodes = () => topology!.state.processes.filter((p) => /^redis-\d+$/.test(p.name));

  /** Waits until every node agrees and every replica has synced (single-use writes wait for it). */
  const clusterWhole = (what: string) =>
    eventually(async () => redisClusterWhole(clusterNodes().map((p) => p.port!)), 30_000, what);

  /** The name of a redis-N process that is a master now. */
  function clusterMaster(): string {
    const nodes = clusterNodes();
    const listing = execFileSync('redis-cli', ['-p', String(nodes[0]!.port), 'cluster', 'nodes'], {
      encoding: 'utf8',
    });
    const line = listing.split('\n').find((l) => l.split(' ')[2]?.split(',').includes('master'));
    const port = Number(line!.split(' ')[1]!.split('@')[0]!.split(':')[1]);
    return nodes.find((p) => p.port === port)!.name;
  }

  it('fails closed while Redis is down and recovers by itself; refresh tokens survive', async () => {
    const pids = topology!.services().map((s) => s.pid);
    const pair = await exchange(await newCode());
    const unusedCode = await newCode();
    const spentCode = await newCode();
    await exchange(spentCode);

    note('killing redis');
    const redisNodes = topology!.state.processes
      .filter((p) => /^redis(-\d+)?$/.test(p.name))
      .map((p) => p.name);
    await Promise.all(redisNodes.map((name) => topology!.stop(name, 'SIGKILL')));
    const stoppedAt = Date.now();
    await eventually(async () => (await readyz()) === 503, 10_000, 'gateway /readyz 503');
    measured['redis down → /readyz 503 (ms)'] = Date.now() - stoppedAt;
    const ready = await gateway.request('/readyz');
    expect(ready.json()).toMatchObject({ cache: 'unavailable' });

    expectJson503(
      await token({ grant_type: 'authorization_code', code: unusedCode, redirect_uri: REDIRECT_URI }),
      'code exchange',
    );
    expectJson503(
      await token({ grant_type: 'authorization_code', code: spentCode, redirect_uri: REDIRECT_URI }),
      'spent code',
    );
    expectJson503(await token({ grant_type: 'refresh_token', refresh_token: pair.refresh }), 'refresh');
    expectJson503(await introspect(pair.access), 'introspect');
    expectJson503(await userinfo(pair.access), 'userinfo');
    expectJson503(
      await gateway.request('/api/oauth2/topup', { headers: { authorization: `Bearer ${pair.access}` } }),
      'topup link',
    );
    await expectFriendly503('/account');
    await expectNoCode(authorizeUrl('during-outage'));
    // What needs no store keeps working: the gateway still reaches the services.
    expect((await gateway.request('/.well-known/oauth-authorization-server')).status).toBe(200);

    const restartedAt = Date.now();
    note('starting redis again');
    // The scenario is "Redis lost everything" (no persistence). A cluster replica that did a full
    // sync (the failover test) left the RDB it received on disk; a restart would load it.
    const redisDir = join(topology!.state.dir, 'redis');
    for (const file of readdirSync(redisDir)) if (file.endsWith('.rdb')) rmSync(join(redisDir, file));
    await Promise.all(redisNodes.map((name) => topology!.start(name)));
    if (REDIS_MODE === 'cluster') await clusterWhole('redis cluster whole again');
    await eventually(async () => (await readyz()) === 200, 20_000, 'gateway /readyz 200');
    measured['redis back → /readyz 200 (ms)'] = Date.now() - restartedAt;

    // Redis lost everything (no persistence here): codes and access tokens are gone, never accepted.
    for (const code of [unusedCode, spentCode]) {
      const again = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
      expect(again.status, again.text).toBe(400);
    }
    expect((await userinfo(pair.access)).status).toBe(401);
    // The refresh token lives in Postgres and was not spent by the 503 attempt.
    const refreshed = await refresh(pair);
    expect(refreshed.status, refreshed.text).toBe(200);
    expect((await userinfo(pair.access)).status).toBe(200);

    // Sessions were in Redis: the user signs in again; the grant (Postgres) skips consent.
    const account = await browser.request('/account');
    expect(account.status).toBe(302);
    const again = await authorizeAsUser(browser, authorizeUrl('after-redis'), user);
    expect(again.consentShown).toBe(false);
    expect(again.callback.searchParams.get('code')).toBeTruthy();
    expect(
      topology!.services().map((s) => s.pid),
      'no service was restarted',
    ).toEqual(pids);
  }, 60_000);

  it('fails closed while Postgres is unreachable and recovers by itself', async () => {
    const pids = topology!.services().map((s) => s.pid);
    const pair = await exchange(await newCode());
    const unusedCode = await newCode();

    // The pg proxy cuts every connection and refuses new ones: to the services this is a
    // stopped database server (the machine's shared Postgres is never touched).
    note('postgres outage (proxy)');
    topology!.databaseOutage();
    const stoppedAt = Date.now();
    await eventually(async () => (await readyz()) === 503, 10_000, 'gateway /readyz 503');
    measured['postgres down → /readyz 503 (ms)'] = Date.now() - stoppedAt;
    expect((await gateway.request('/readyz')).json()).toMatchObject({ database: 'unavailable' });

    expectJson503(
      await token({ grant_type: 'authorization_code', code: unusedCode, redirect_uri: REDIRECT_URI }),
      'code exchange',
    );
    expectJson503(await token({ grant_type: 'refresh_token', refresh_token: pair.refresh }), 'refresh');
    expectJson503(await introspect(pair.access), 'introspect');
    expectJson503(await userinfo(pair.access), 'userinfo');
    await expectFriendly503('/account');

    const restoredAt = Date.now();
    note('postgres restored (proxy)');
    topology!.databaseRestored();
    await eventually(async () => (await readyz()) === 200, 20_000, 'gateway /readyz 200');
    measured['postgres back → /readyz 200 (ms)'] = Date.now() - restoredAt;

    // The code was never accepted; it is accepted at most once from now on.
    const first = await token({
      grant_type: 'authorization_code',
      code: unusedCode,
      redirect_uri: REDIRECT_URI,
    });
    const second = await token({
      grant_type: 'authorization_code',
      code: unusedCode,
      redirect_uri: REDIRECT_URI,
    });
    expect([200, 400], first.text).toContain(first.status);
    expect(second.status, second.text).toBe(400);

    expect((await userinfo(pair.access)).status).toBe(200);
    const refreshed = await refresh(pair);
    expect(refreshed.status, refreshed.text).toBe(200);
    expect((await browser.request('/account')).status).toBe(200);
    expect(
      topology!.services().map((s) => s.pid),
      'no service was restarted',
    ).toEqual(pids);
  }, 60_000);

  it('stops every process by pid and leaves no database and no files behind', async () => {
    const state = topology!.state;
    const records = [...state.processes];
    gateway.close();
    const downAt = Date.now();
    await topology!.down();
    measured['down (ms)'] = Date.now() - downAt;
    topology = undefined;
    for (const record of records) expect(isOurs(record), record.name).toBe(false);
    expect(existsSync(state.dir)).toBe(false);
    const { execFileSync } = await import('node:child_process');
    const left = execFileSync(
      'psql',
      [
        state.database.adminUrl,
        '-qAtc',
        `select count(*) from pg_database where datname = '${state.database.name}'`,
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(left).toBe('0');
  }, 60_000);
});
