import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Child, eventually, freePort, startProcess } from './test-support/processes.js';

const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url));
const CLI = fileURLToPath(new URL('../bin/gatehouse.js', import.meta.url));
const PROMETHEUS = '/usr/bin/prometheus';

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
        'scrape_configs:',
        '  - job_name: gatehouse',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${metricsPort}']`,
        '',
      ].join('\n'),
    );
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
});
