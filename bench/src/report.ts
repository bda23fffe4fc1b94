/**
 * The report: every figure of a run as `results/latest.md` and `latest.json`, and the target
 * lines. One file so the table and the JSON can never disagree.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from './machine.js';
import type { BenchOptions } from './options.js';
import { type PgbenchCeiling, withRefresh } from './pgbench.js';
import type { ProfileSummary } from './profile-summary.js';
import type { ScenarioResult } from './scenario.js';

export interface ProcessReport {
  name: string;
  /** VmRSS once its scenarios were over, MiB. */
  rssAfterMb: number | null;
  /** VmHWM: the peak over its whole life, MiB. */
  hwmMb: number | null;
}

export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

export interface Report {
  status: 'ok' | 'failed';
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  /** How the stack ran: which stores, which process. */
  shape: string;
  options: BenchOptions;
  scenarios: (ScenarioResult & {
    vsBaseline: number | null;
    vsPeer: number | null;
    /** Against the durable peer (oidc-provider on Redis) of the same kind. */
    vsDurablePeer: number | null;
    vsSmall: number | null;
  })[];
  /** pgbench running the refresh store's rotation statement: the database's own ceiling. */
  ceiling: PgbenchCeiling | null;
  processes: ProcessReport[];
  targets: TargetCheck[];
  dataSets: { label: string; users: number; grants: number; refreshTokens: number }[];
  failures: string[];
  profiles: ProfileSummary[];
  durationSeconds: number;
}

export interface ReportInput {
  startedAt: Date;
  machine: Machine;
  shape: string;
  options: BenchOptions;
  scenarios: ScenarioResult[];
  processes: ProcessReport[];
  dataSets: Report['dataSets'];
  failures: string[];
  profiles: ProfileSummary[];
  ceiling?: PgbenchCeiling | null;
}

/** Ratios to the baseline and peer of the same run, the targets in bench/README.md, and the verdict. */
export function buildReport(input: ReportInput): Report {
  const byId = new Map(input.scenarios.map((s) => [`${s.id}:${s.data}`, s]));
  const baseline = byId.get('baseline:small');
  const peerToken = byId.get('peer-refresh:small');
  const peerUserinfo = byId.get('peer-userinfo:small');
  const durableToken = byId.get('peer-durable-refresh:small');
  const durableUserinfo = byId.get('peer-durable-userinfo:small');
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : null);

  const scenarios = input.scenarios.map((s) => {
    const peer = s.kind === 'token' ? peerToken : s.kind === 'userinfo' ? peerUserinfo : undefined;
    const durable = s.kind === 'token' ? durableToken : s.kind === 'userinfo' ? durableUserinfo : undefined;
    const small = s.data === 'large' ? byId.get(`${s.id}:small`) : undefined;
    return {
      ...s,
      vsBaseline: s.kind === 'baseline' || s.kind === 'flow' ? null : ratio(s.rps, baseline?.rps),
      vsPeer: ratio(s.rps, peer?.rps),
      vsDurablePeer: ratio(s.rps, durable?.rps),
      vsSmall: ratio(s.rps, small?.rps),
    };
  });
  const refresh = scenarios.find((s) => s.id === 'refresh' && s.data === 'small');
  const ceiling = input.ceiling ? withRefresh(input.ceiling, refresh?.rps ?? null) : null;

  const targets: TargetCheck[] = [];
  const pct = (n: number) => `${(n * 100).toFixed(1)} %`;
  const times = (n: number) => `${n.toFixed(2)}×`;
  // The targets of bench/README.md ("Reading the table"), all against figures of the same run.
  for (const s of scenarios) {
    if (s.data !== 'small') continue;
    if (s.kind === 'token') {
      const peerCpu = peerToken?.cpuUsPerRequest;
      if (s.cpuUsPerRequest !== null && peerCpu) {
        targets.push({
          target: `${s.id}: server CPU per request ≤ the in-memory peer's refresh grant (${n0(peerCpu)} µs)`,
          measured: `${n0(s.cpuUsPerRequest)} µs (${times(s.cpuUsPerRequest / peerCpu)} the peer's)`,
          pass: s.cpuUsPerRequest <= peerCpu,
        });
      }
      if (s.vsPeer !== null) {
        targets.push({
          target: `${s.id}: ≥ 1.5× the in-memory peer's refresh grant`,
          measured: times(s.vsPeer),
          pass: s.vsPeer >= 1.5,
        });
      }
      if (s.vsDurablePeer !== null) {
        targets.push({
          target: `${s.id}: ≥ 3× the durable peer's refresh grant`,
          measured: times(s.vsDurablePeer),
          pass: s.vsDurablePeer >= 3,
        });
      }
      targets.push({
        target: `${s.id}: p99 < 25 ms at ${input.options.connections} connections`,
        measured: `${s.p99} ms`,
        pass: s.p99 < 25,
      });
    }
    if (s.kind === 'userinfo') {
      if (s.vsPeer !== null) {
        targets.push({
          target: `${s.id}: ≥ 2× the in-memory peer's userinfo`,
          measured: times(s.vsPeer),
          pass: s.vsPeer >= 2,
        });
      }
      targets.push({
        target: `${s.id}: p99 < 15 ms at ${input.options.connections} connections`,
        measured: `${s.p99} ms`,
        pass: s.p99 < 15,
      });
    }
  }
  if (ceiling?.fraction != null) {
    targets.push({
      target: `refresh: ≥ 50 % of the pgbench ceiling of its own statement (${n0(ceiling.tps)} rotations/s)`,
      measured: pct(ceiling.fraction),
      pass: ceiling.fraction >= 0.5,
    });
  }
  for (const p of input.processes) {
    if (!p.name.startsWith('gatehouse')) continue;
    if (p.rssAfterMb !== null) {
      const mb = p.rssAfterMb * 1.048576;
      targets.push({
        target: `${p.name}: RSS < 150 MB after the run`,
        measured: `${mb.toFixed(0)} MB (${p.rssAfterMb.toFixed(0)} MiB)`,
        pass: mb < 150,
      });
    }
  }
  for (const s of scenarios) {
    if (s.data === 'large' && s.vsSmall !== null) {
      targets.push({
        target: `${s.id} with ${input.options.largeRows.toLocaleString('en-US')} stored rows: within 10 % of the small-data figure`,
        measured: `${pct(s.vsSmall)} of small`,
        pass: s.vsSmall >= 0.9,
      });
    }
  }

  const failures = [...input.failures];
  for (const s of scenarios) {
    const errors = s.errors + s.warmupErrors;
    if (errors > 0) failures.push(`${s.title}: ${errors} errors (${s.errorSamples.join('; ')})`);
  }
  const finished = new Date();
  return {
    status: failures.length === 0 ? 'ok' : 'failed',
    startedAt: input.startedAt.toISOString(),
    finishedAt: finished.toISOString(),
    machine: input.machine,
    shape: input.shape,
    options: input.options,
    scenarios,
    processes: input.processes,
    targets,
    dataSets: input.dataSets,
    failures,
    profiles: input.profiles,
    ceiling,
    durationSeconds: Math.round((finished.getTime() - input.startedAt.getTime()) / 100) / 10,
  };
}

const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
/** autocannon's histogram counts whole milliseconds: 0 means under 1 ms. */
const ms = (n: number) =>
  n === 0 ? '<1' : Number.isInteger(n) || n >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2);
const cpu = (us: number | null | undefined) => (us === null || us === undefined ? '—' : n0(us));
const x = (r: number | null) => (r === null ? '—' : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`);

export function markdownTable(report: Report): string {
  const lines = [
    '| scenario | data | req/s | p50 ms | p99 ms | server CPU µs/req | errors | server RSS peak MiB | vs baseline | vs peer | vs durable peer | vs small data | load avg |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of report.scenarios) {
    const rate = s.kind === 'flow' ? `${n0(s.rps)} flows/s (${n0(s.httpRps ?? 0)} req/s)` : n0(s.rps);
    lines.push(
      `| ${s.title} | ${s.data} | ${rate} | ${ms(s.p50)} | ${ms(s.p99)} | ${cpu(s.cpuUsPerRequest)} | ${s.errors + s.warmupErrors} | ${s.rssPeakMb.toFixed(0)} | ${x(s.vsBaseline)} | ${x(s.vsPeer)} | ${x(s.vsDurablePeer)} | ${x(s.vsSmall)} | ${s.loadAtStart.toFixed(1)} |`,
    );
  }
  const c = report.ceiling;
  if (c) {
    lines.push(
      `| pgbench ceiling: the refresh rotation statement alone (\`-M prepared -c ${c.clients} -j ${c.threads} -T ${c.seconds}\`) ${c.fraction === null ? '' : ` — refresh reached ${(c.fraction * 100).toFixed(0)} % of it`} | small | ${n0(c.tps)} | — | — | ${cpu(c.postgresCpuUsPerTx)} | ${c.failed} | — | — | — | — | — | ${c.loadAtStart.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

export function markdownReport(report: Report): string {
  const m = report.machine;
  const o = report.options;
  const out: string[] = [
    `# Gatehouse benchmark — ${report.status === 'ok' ? 'OK' : 'FAILED'}`,
    '',
    `- **Date**: ${report.startedAt} (took ${report.durationSeconds} s)`,
    `- **Machine**: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb.toFixed(1)} GB RAM, ${m.os}; Node ${m.node}${m.postgres ? `; ${m.postgres}` : ''}${m.redis ? `; Redis ${m.redis}` : ''}`,
    `- **Shape**: ${report.shape}`,
    ...(m.postgresDurability || m.peerDurability
      ? [
          `- **Durability**: ${[m.postgresDurability ? `Gatehouse's Postgres ${m.postgresDurability} (a rotation is on disk when the token is answered)` : null, m.peerDurability ? `the durable peer's redis-server ${m.peerDurability} (up to a second of writes lost on a crash)` : null].filter(Boolean).join('; ')}`,
        ]
      : []),
    `- **Load average at start**: ${m.loadAtStart.toFixed(2)}${m.loadAtStart > m.cores / 2 ? ` — **the machine was busy with other work; these numbers understate what it can do**` : ''}`,
    `- **Load**: autocannon 8 on loopback, ${o.connections} connections, ${o.duration} s window after ${o.warmup} s warm-up per scenario; browser flow: ${o.flowLoops} concurrent browsers${o.smoke ? '; **smoke run** (tiny seed — the numbers mean little)' : ''}${o.profile ? '; **profiled** (--cpu-prof slows the stack: do not compare these numbers)' : ''}`,
    '',
    markdownTable(report),
    '',
    'Errors are non-2xx answers, socket errors and timeouts (in the window and its warm-up); any error fails the run. Latencies are of successful requests (1 ms resolution). "vs peer" compares token-endpoint scenarios with the peer\'s refresh grant and userinfo/introspection with the peer\'s userinfo. "load avg" is the machine\'s 1-minute load average as the window started: on this shared machine anything well above 0 means other work competed for the same cores.',
    '',
  ];
  if (report.dataSets.length > 0) {
    out.push(
      '**Stored rows**: ' +
        report.dataSets
          .map(
            (d) =>
              `${d.label}: ${n0(d.users)} users, ${n0(d.grants)} consents, ${n0(d.refreshTokens)} refresh tokens`,
          )
          .join('; '),
      '',
    );
  }
  const parts = [...new Set(report.scenarios.flatMap((sc) => Object.keys(sc.cpuByPart ?? {})))];
  if (parts.length > 0) {
    out.push(
      '## Server CPU per request',
      '',
      'CPU time (user + system, from `/proc/<pid>/stat`) that every server-side process used during the window, divided by the requests completed in it: the stack process, every Postgres backend of the bench database and the Redis server for Gatehouse on real stores; the server process itself for the baseline and the peer. The load generator is not counted.',
      '',
      `| scenario | data | total µs/req | ${parts.join(' | ')} |`,
      `|---|---|---:|${parts.map(() => '---:').join('|')}|`,
    );
    for (const sc of report.scenarios) {
      out.push(
        `| ${sc.title} | ${sc.data} | ${cpu(sc.cpuUsPerRequest)} | ${parts.map((part) => cpu(sc.cpuByPart?.[part])).join(' | ')} |`,
      );
    }
    out.push('');
  }
  if (report.ceiling) out.push(...ceilingSection(report.ceiling), '');
  out.push(
    '## Server processes',
    '',
    '| process | RSS after its scenarios MiB | peak RSS (VmHWM) MiB |',
    '|---|---:|---:|',
  );
  for (const p of report.processes) {
    out.push(
      `| ${p.name} | ${p.rssAfterMb === null ? '—' : p.rssAfterMb.toFixed(0)} | ${p.hwmMb === null ? '—' : p.hwmMb.toFixed(0)} |`,
    );
  }
  out.push('', '## Targets — reported, never a failure', '');
  if (report.targets.length === 0) out.push('(none measured in this run)');
  for (const t of report.targets) out.push(`- ${t.pass ? 'PASS' : 'MISS'} — ${t.target}: ${t.measured}`);
  const notes = report.scenarios.flatMap((s) => s.notes.map((note) => `- ${s.title}: ${note}`));
  if (notes.length > 0) out.push('', '## Notes', '', ...notes);
  if (report.failures.length > 0) out.push('', '## Failures', '', ...report.failures.map((f) => `- ${f}`));
  if (report.profiles.length > 0) {
    out.push('', '## CPU profiles (self time, top functions)', '');
    for (const p of report.profiles) {
      out.push(`### ${p.scenario} — \`${p.file}\``, '', '| self % | function | where |', '|---:|---|---|');
      for (const f of p.top) out.push(`| ${f.selfPercent.toFixed(1)} | ${f.name} | ${f.where} |`);
      out.push(
        '',
        `By package (native code charged to its caller), of ${p.busyMs.toLocaleString('en-US')} ms busy: ${p.byPackage.map((b) => `${b.name} ${b.selfPercent.toFixed(1)} %`).join(', ')}`,
        '',
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function ceilingSection(c: PgbenchCeiling): string[] {
  return [
    '## Database ceiling (pgbench)',
    '',
    `Debian's pgbench (${c.version}) ran the refresh store's own rotation statement on the bench database with ${c.clients} connections (the stack's Postgres pool) for ${c.seconds} s, \`-M prepared\`, right after the refresh window: **${n0(c.tps)} rotations/s** (${n0(c.transactions)} transactions, ${c.failed} failed)${c.postgresCpuUsPerTx === null ? '' : `, ${n0(c.postgresCpuUsPerTx)} µs of Postgres CPU each`}. The refresh grant reached ${c.fraction === null ? '—' : `**${(c.fraction * 100).toFixed(1)} %**`} of it${c.refreshRps === null ? '' : ` (${n0(c.refreshRps)} req/s)`}.`,
    '',
    c.design,
    '',
    'The script, as run:',
    '',
    '```',
    c.script.trimEnd(),
    '```',
  ];
}

export function writeReport(dir: string, report: Report): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'latest.json');
  const md = join(dir, 'latest.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, markdownReport(report));
  return { json, md };
}
