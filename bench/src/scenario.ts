import { loadavg } from 'node:os';
import { type CpuProcesses, startCpuMeter } from './cpu.js';
import type { LoadResult, Phase } from './load.js';
import type { BenchOptions } from './options.js';
import { type ServerProcess, sampleRss } from './processes.js';

export type Kind = 'baseline' | 'peer-token' | 'peer-userinfo' | 'token' | 'userinfo' | 'flow';

export interface ScenarioResult extends LoadResult {
  id: string;
  title: string;
  /** Which figure it is compared with: token scenarios with the peer's token endpoint, etc. */
  kind: Kind;
  /** `small` (1,000 users) or `large` (1,000,000 more stored rows). */
  data: 'small' | 'large';
  server: string;
  /** Peak VmRSS of the serving process sampled during the window, MiB. */
  rssPeakMb: number;
  /** Errors during the untimed warm-up (they fail the run too). */
  warmupErrors: number;
  /** 1-minute load average as the window started (other work on the machine skews the figure). */
  loadAtStart: number;
  /**
   * Server CPU per completed request, µs: every server-side process (the server, its Postgres
   * backends, Redis) over the window, divided by the requests. Steadier than req/s on a
   * shared machine, and what a second core would buy.
   */
  cpuUsPerRequest: number | null;
  /** The same, by part (`stack`, `postgres`, `redis`, or the server's name). */
  cpuByPart: Record<string, number>;
  notes: string[];
}

export interface Measure {
  id: string;
  title: string;
  kind: Kind;
  data?: 'small' | 'large';
  server: ServerProcess;
  /** Drives load for `seconds` (used for the warm-up and for the window). */
  run(seconds: number, phase: Phase): Promise<LoadResult>;
  /** The server-side processes whose CPU counts; by default the server's own. */
  cpu?: CpuProcesses;
  notes?: string[];
}

/** Warm-up (untimed), then the timed window with the server's memory sampled throughout. */
export async function measure(options: BenchOptions, m: Measure): Promise<ScenarioResult> {
  process.stderr.write(`▶ ${m.title}\n`);
  let warmupErrors = 0;
  const notes = [...(m.notes ?? [])];
  if (options.warmup > 0) {
    const warm = await m.run(options.warmup, 'warmup');
    warmupErrors = warm.errors;
    if (warm.errors > 0) notes.push(`warm-up errors: ${warm.errorSamples.join('; ')}`);
  }
  const loadAtStart = loadavg()[0] ?? 0;
  const sampler = sampleRss(m.server.pid);
  const meter = await startCpuMeter(m.cpu ?? (async () => [{ part: m.server.name, pid: m.server.pid }]));
  const result = await m.run(options.duration, 'window');
  const cpu = await meter.stop();
  const rssPeakMb = sampler.stop();
  const perRequest = (us: number) => (result.completed > 0 ? us / result.completed : 0);
  if (result.windowSeconds < options.duration * 0.9) {
    notes.push(
      `window ${result.windowSeconds.toFixed(1)} s of ${options.duration} s: the pre-minted credentials ran out (raise --pool-rate)`,
    );
  }
  const scenario: ScenarioResult = {
    ...result,
    id: m.id,
    title: m.title,
    kind: m.kind,
    data: m.data ?? 'small',
    server: m.server.name,
    rssPeakMb,
    warmupErrors,
    loadAtStart,
    cpuUsPerRequest: result.completed > 0 ? perRequest(cpu.totalUs) : null,
    cpuByPart: Object.fromEntries(Object.entries(cpu.byPart).map(([part, us]) => [part, perRequest(us)])),
    notes,
  };
  const errors = scenario.errors + warmupErrors;
  process.stderr.write(
    `  ${fmt(scenario.rps)} ${m.kind === 'flow' ? 'flows' : 'req'}/s   p50 ${scenario.p50} ms   p99 ${scenario.p99} ms   server CPU ${scenario.cpuUsPerRequest === null ? '—' : fmt(scenario.cpuUsPerRequest)} µs/req   errors ${errors}   RSS peak ${scenario.rssPeakMb.toFixed(0)} MiB${errors ? `   (${[...scenario.errorSamples].join('; ')})` : ''}\n`,
  );
  return scenario;
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
