import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';
import type { PgbenchCeiling } from './pgbench.js';
import { buildReport, markdownReport } from './report.js';
import type { Kind, ScenarioResult } from './scenario.js';

function scenario(id: string, kind: Kind, rps: number, cpuUsPerRequest: number, p99 = 10): ScenarioResult {
  return {
    id,
    title: id,
    kind,
    data: 'small',
    server: 's',
    rssPeakMb: 100,
    warmupErrors: 0,
    loadAtStart: 1,
    cpuUsPerRequest,
    cpuByPart: {},
    notes: [],
    completed: rps * 10,
    rps,
    p50: 1,
    p90: 2,
    p99,
    max: 20,
    errors: 0,
    non2xx: 0,
    socketErrors: 0,
    timeouts: 0,
    statusCodes: {},
    windowSeconds: 10,
    errorSamples: [],
  };
}

const ceiling = {
  tps: 8000,
  clients: 8,
  threads: 2,
  seconds: 10,
  failed: 0,
  loadAtStart: 1,
} as PgbenchCeiling;

describe('the report', () => {
  const report = buildReport({
    startedAt: new Date(),
    machine: { cpuModel: 'x', cores: 2, memoryGb: 1, os: 'l', node: 'v20', loadAtStart: 0 },
    shape: 'test',
    options: parseOptions([]),
    scenarios: [
      scenario('peer-refresh', 'peer-token', 2000, 400),
      scenario('peer-userinfo', 'peer-userinfo', 4000, 200),
      scenario('peer-durable-refresh', 'peer-token', 1000, 900),
      scenario('peer-durable-userinfo', 'peer-userinfo', 2500, 300),
      scenario('refresh', 'token', 4000, 350, 30),
      scenario('userinfo', 'userinfo', 9000, 150),
    ],
    processes: [],
    dataSets: [],
    failures: [],
    profiles: [],
    ceiling: { ...ceiling, statement: '', script: '', design: '', version: '' } as PgbenchCeiling,
  });
  const byId = new Map(report.scenarios.map((s) => [s.id, s]));
  const target = (start: string) => report.targets.find((t) => t.target.startsWith(start));

  it('compares each scenario with the in-memory and the durable peer of its kind', () => {
    expect(byId.get('refresh')).toMatchObject({ vsPeer: 2, vsDurablePeer: 4 });
    expect(byId.get('userinfo')).toMatchObject({ vsPeer: 2.25, vsDurablePeer: 3.6 });
    expect(byId.get('peer-durable-refresh')?.vsPeer).toBeNull();
  });

  it("puts the refresh grant beside the database's own ceiling", () => {
    expect(report.ceiling?.fraction).toBe(0.5);
    expect(target('refresh: ≥ 50 % of the pgbench ceiling')?.pass).toBe(true);
    expect(markdownReport(report)).toContain('refresh reached 50 % of it');
  });

  it("reports the issue's targets, misses included", () => {
    expect(target("refresh: server CPU per request ≤ the in-memory peer's")?.pass).toBe(true);
    expect(target("refresh: ≥ 1.5× the in-memory peer's")?.pass).toBe(true);
    expect(target("refresh: ≥ 3× the durable peer's")?.pass).toBe(true);
    expect(target('refresh: p99 < 25 ms')).toMatchObject({ pass: false, measured: '30 ms' });
    expect(target("userinfo: ≥ 2× the in-memory peer's userinfo")?.pass).toBe(true);
    expect(target('userinfo: p99 < 15 ms')?.pass).toBe(true);
    expect(report.status).toBe('ok');
  });
});
