import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpBrowser } from './flow/http-browser.js';
import { type Child, eventually, freePort, startProcess } from './testing/processes.js';

const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url));
const CLI = fileURLToPath(new URL('../bin/gatehouse.js', import.meta.url));
const PROMETHEUS = '/usr/bin/prometheus';
const DEPLOY = fileURLToPath(new URL('../../../deploy/', import.meta.url));

/**
 * The metrics a real Prometheus (Debian's `prometheus`, which .ci/run installs) scrapes from
 * the real server process after a real flow: the whole `gatehouse flow-test` (code grant,
 * userinfo, refresh, refused reuse, revoke) must show up as series and increments.
 */
describe.skipIf(!existsSync(PROMETHEUS))('metrics, scraped by a real Prometheus', () => {
  let dir: string;
  let database: TestDatabase | undefined;
  let server: Child;
  let prometheus: Child;
  let prometheusUrl: string;
  let port: number;
  let redirectPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-metrics-'));
    if (process.env.DATABASE_URL) database = await createTestDatabase();
    [port, redirectPort] = [await freePort(), await freePort()];
    const metricsPort = await freePort();
    server = startProcess(process.execPath, [SERVER], {
      PATH: process.env.PATH,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      DEMO_APP_URL: `http://localhost:${redirectPort}`,
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'warn',
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    });
    await server.waitFor(/Demo client: client_id=/, 90_000);
    expect(server.output()).toContain(`metrics at http://127.0.0.1:${metricsPort}/metrics`);

    const prometheusPort = await freePort();
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        // The production alert rules, exactly as deploy/ ships them.
        'rule_files: [alerts.yml]',
        'scrape_configs:',
        '  - job_name: gatehouse',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${metricsPort}']`,
        '',
      ].join('\n'),
    );
    copyFileSync(join(DEPLOY, 'prometheus/alerts.yml'), join(dir, 'alerts.yml'));
    prometheus = startProcess(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
      ],
      { PATH: process.env.PATH },
    );
    await eventually(async () => (await fetch(`${prometheusUrl}/-/ready`)).ok, 60_000);
  });

  afterAll(async () => {
    prometheus?.process.kill('SIGTERM');
    server?.process.kill('SIGTERM');
    await Promise.all([prometheus?.exited, server?.exited]);
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A PromQL query's value, or null while Prometheus has no sample for it. */
  async function query(promql: string): Promise<number | null> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { data: { result: { value: [number, string] }[] } };
    const [first] = body.data.result;
    return first ? Number(first.value[1]) : null;
  }

  it('shows the flow as request, latency and grant-outcome series', async () => {
    await eventually(async () => (await query('up{job="gatehouse"}')) === 1, 30_000);

    const flow = startProcess(
      process.execPath,
      [
        CLI,
        'flow-test',
        '--issuer',
        `http://localhost:${port}`,
        '--client-id',
        'gh_demo_app',
        '--client-secret',
        'gth_cs_demo-app-development-secret-do-not-use-in-production',
        '--redirect-uri',
        `http://localhost:${redirectPort}/oauth/callback`,
        '--username',
        'demo',
        '--password',
        'demo-password',
      ],
      { PATH: process.env.PATH },
    );
    expect(await flow.exited, flow.output()).toBe(0);

    const expectations: [string, number][] = [
      ['gatehouse_token_grants_total{grant_type="authorization_code",outcome="success"}', 1],
      ['gatehouse_token_grants_total{grant_type="refresh_token",outcome="success"}', 1],
      // flow-test replays the rotated refresh token: refused, and counted as such.
      ['gatehouse_token_grants_total{grant_type="refresh_token",outcome="invalid_grant"}', 1],
      ['sum(gatehouse_http_requests_total{route="/api/oauth2/userinfo",status="200"})', 1],
      ['sum(gatehouse_http_request_duration_seconds_count{route="/api/oauth2/token"})', 3],
      // Store calls by port, and the audit events behind logins and reuse detection.
      ['sum(gatehouse_store_operation_duration_seconds_count{store="db",port="refreshTokens"})', 2],
      ['sum(gatehouse_store_operation_duration_seconds_count{store="cache",port="codes"})', 2],
      ['sum(gatehouse_events_total{type="login.succeeded"})', 1],
      ['sum(gatehouse_events_total{type="refresh_token.reuse_detected"})', 1],
    ];
    for (const [promql, atLeast] of expectations) {
      let seen: number | null = null;
      await eventually(async () => {
        seen = await query(promql);
        return seen !== null && seen >= atLeast;
      }, 30_000).catch(() => {
        throw new Error(`${promql}: expected at least ${atLeast}, Prometheus has ${seen}`);
      });
    }
    // The process collectors are scraped too.
    expect(await query('process_resident_memory_bytes{job="gatehouse"}')).toBeGreaterThan(0);
  });

  it('counts a webhook delivery and reads the backlog from the database', async () => {
    const base = `http://localhost:${port}`;
    // The demo user signs in like a browser (cookies, CSRF field, Origin) and makes a developer token.
    const browser = new HttpBrowser(base);
    const browse = async (path: string, form?: Record<string, string>) => {
      const response = await browser.request(path, form ? { form } : {});
      return { status: response.status, body: await response.text() };
    };
    const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const login = await browse('/login');
    const signedIn = await browse('/login', {
      username: 'demo',
      password: 'demo-password',
      _csrf: csrf(login.body),
    });
    expect(signedIn.status).toBe(303);
    const account = await browse('/account');
    const created = await browse('/account/developer-tokens', { name: 'metrics', _csrf: csrf(account.body) });
    const developerToken = /gth_dt_[A-Za-z0-9_-]+/.exec(created.body)![0];
    const api = (method: string, path: string, body?: object) =>
      fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${developerToken}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const apps = (await (await api('GET', '/api/oauth_apps')).json()) as {
      data: { id: number; client_id: string }[];
    };
    const demo = apps.data.find((app) => app.client_id === 'gh_demo_app')!;

    // A receiver on loopback (allowed outside production) and a test event for it.
    let received = 0;
    let answer = 204;
    const receiver = createServer((request, response) => {
      request.resume();
      received += 1;
      response.writeHead(answer).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      expect((await api('PUT', `/api/oauth_apps/${demo.id}/webhook`, { webhook_url: hook })).status).toBe(
        200,
      );
      expect((await api('POST', `/api/oauth_apps/${demo.id}/webhook/test`)).status).toBe(202);
      await eventually(async () => received >= 1, 60_000);

      const expectations: [string, number][] = [
        ['gatehouse_webhook_deliveries_total{outcome="delivered"}', 1],
        ['gatehouse_webhook_delivery_duration_seconds_count', 1],
      ];
      for (const [promql, atLeast] of expectations) {
        await eventually(async () => ((await query(promql)) ?? 0) >= atLeast, 30_000);
      }
      // Read at scrape time: present, and empty again once the event is delivered.
      await eventually(async () => (await query('gatehouse_webhook_backlog')) === 0, 30_000);
      expect(await query('gatehouse_webhook_backlog_oldest_seconds')).toBe(0);
      expect(await query('gatehouse_webhook_deliveries_total{outcome="failed_final"}')).toBe(0);

      // A failing receiver: the event waits for its retry (minutes away), pending in the table.
      answer = 500;
      expect((await api('POST', `/api/oauth_apps/${demo.id}/webhook/test`)).status).toBe(202);
      await eventually(async () => received >= 2, 60_000);
      await eventually(
        async () =>
          ((await query('gatehouse_webhook_deliveries_total{outcome="failed_retrying"}')) ?? 0) >= 1,
        30_000,
      );
      await eventually(async () => ((await query('gatehouse_webhook_backlog')) ?? 0) >= 1, 30_000);
      await eventually(
        async () => ((await query('gatehouse_webhook_backlog_oldest_seconds')) ?? 0) > 0,
        30_000,
      );
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('evaluates every shipped alert rule and dashboard query without an error', async () => {
    type Rule = { name: string; health: string; lastError?: string };
    let rules: Rule[] = [];
    await eventually(async () => {
      const response = await fetch(`${prometheusUrl}/api/v1/rules`);
      const body = (await response.json()) as { data: { groups: { rules: Rule[] }[] } };
      rules = body.data.groups.flatMap((group) => group.rules);
      return rules.length > 0 && rules.every((rule) => rule.health !== 'unknown');
    }, 30_000);
    const names = rules.map((rule) => rule.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'GatehouseServerErrors',
        'GatehouseRefreshReuseSpike',
        'GatehouseWebhookBacklogGrowing',
        'GatehouseWebhookDeliveriesFailing',
      ]),
    );
    for (const rule of rules) expect(rule, rule.lastError).toMatchObject({ health: 'ok' });

    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/dashboards/gatehouse.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const promql = target.expr.replaceAll('$__rate_interval', '1m');
        const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
        const body = (await response.json()) as { status: string; error?: string };
        expect(body, `${panel.title}: ${promql}`).toMatchObject({ status: 'success' });
      }
    }
    // Series the dashboard draws exist once the flow has run (not only parse).
    expect(await query('sum(gatehouse_events_total{type="refresh_token.reuse_detected"})')).toBeGreaterThan(
      0,
    );
    expect(await query('max(gatehouse_webhook_backlog_oldest_seconds)')).not.toBeNull();
    expect(await query('sum(gatehouse_webhook_deliveries_total)')).not.toBeNull();
  });
});
