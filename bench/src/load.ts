import autocannon from 'autocannon';

/** What every scenario reports, whichever load generator drove it. */
export interface LoadResult {
  /** Completed requests (or completed flows) in the timed window, any status. */
  completed: number;
  /** Completed per second of window. */
  rps: number;
  /** Milliseconds; of successful requests. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Non-2xx answers + socket errors + timeouts (+ failed flows). Any is a failed run. */
  errors: number;
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Seconds the window actually lasted (shorter than asked when a credential pool ran out). */
  windowSeconds: number;
  /** First few error descriptions, for the report. */
  errorSamples: string[];
  /** HTTP requests per second underneath (differs from rps only for multi-request flows). */
  httpRps?: number;
}

/**
 * Single-use credentials handed out in order, each exactly once: a code or refresh token
 * is never presented twice, so every request is a real, successful redemption.
 */
export class Pool {
  private index = 0;
  constructor(readonly items: readonly string[]) {}
  next(): string {
    // The request cap keeps the load generator from asking past the end; the last item is
    // repeated only as a safety net, and would show up as a non-2xx error.
    const item = this.items[Math.min(this.index, this.items.length - 1)]!;
    this.index++;
    return item;
  }
  get remaining(): number {
    return Math.max(0, this.items.length - this.index);
  }
}

/** Reusable credentials (access tokens) handed out round-robin. */
export class Ring {
  private index = 0;
  constructor(readonly items: readonly string[]) {
    if (items.length === 0) throw new Error('empty ring');
  }
  next(): string {
    const item = this.items[this.index]!;
    this.index = (this.index + 1) % this.items.length;
    return item;
  }
}

export interface HttpLoad {
  origin: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Per-request variation (a fresh code, the next token). Called once per request sent. */
  vary?: () => { body?: string; headers?: Record<string, string> };
  /** Single-use pool the requests draw from: the run stops before it runs dry. */
  pool?: Pool;
}

export type Phase = 'warmup' | 'window';

export interface LoadShape {
  connections: number;
  /** Seconds. */
  duration: number;
  /** A warm-up may use at most a fifth of what is left of a credential pool; the window the rest. */
  phase: Phase;
}

/** Kept back from a pool's cap, in case the load generator builds a request it never sends. */
const POOL_RESERVE = 8;

/** One autocannon run (loopback, fixed duration, keep-alive, no pipelining). */
export function runHttpLoad(load: HttpLoad, shape: LoadShape): Promise<LoadResult> {
  const url = new URL(load.path, load.origin);
  const baseHeaders = { ...load.headers };
  const request: autocannon.Request = {
    method: load.method,
    path: url.pathname + url.search,
    headers: baseHeaders,
  };
  if (load.body !== undefined) request.body = load.body;
  if (load.vary) {
    const vary = load.vary;
    request.setupRequest = (current) => {
      const change = vary();
      return {
        ...current,
        ...(change.body !== undefined ? { body: change.body } : {}),
        headers: change.headers ? { ...baseHeaders, ...change.headers } : baseHeaders,
      };
    };
  }
  let cap: number | undefined;
  if (load.pool) {
    const left = load.pool.remaining - POOL_RESERVE;
    cap = shape.phase === 'warmup' ? Math.floor(left / 5) : left;
    // Fewer than one request per connection would leave some connections uncapped.
    if (cap < shape.connections) {
      return Promise.reject(
        new Error(
          `credential pool too small: ${load.pool.remaining} left for ${shape.connections} connections`,
        ),
      );
    }
  }
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: load.origin,
        connections: shape.connections,
        duration: shape.duration,
        pipelining: 1,
        timeout: 10,
        // Short ticks so that a run capped by its pool ends promptly after the last answer.
        sampleInt: 100,
        ...(cap !== undefined ? { maxOverallRequests: cap } : {}),
        requests: [request],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats)) statusCodes[code] = stat.count;
        const completed = result.requests.total;
        const socketErrors = result.errors - result.timeouts;
        const errors = result.non2xx + result.errors;
        const samples: string[] = [];
        for (const [code, count] of Object.entries(statusCodes)) {
          if (!code.startsWith('2')) samples.push(`${count}× HTTP ${code}`);
        }
        if (socketErrors > 0) samples.push(`${socketErrors} socket errors`);
        if (result.timeouts > 0) samples.push(`${result.timeouts} timeouts`);
        resolve({
          completed,
          rps: completed / result.duration,
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
          errors,
          non2xx: result.non2xx,
          socketErrors,
          timeouts: result.timeouts,
          statusCodes,
          windowSeconds: result.duration,
          errorSamples: samples,
        });
      },
    );
  });
}

export interface LoopOutcome {
  /** HTTP requests this iteration made. */
  requests: number;
}

/**
 * N concurrent loops each running `iteration` back to back until the window closes (for work
 * that is a sequence of requests, like the browser flow). Iterations under way when the window
 * closes finish and count.
 */
export async function runLoops(
  loops: number,
  durationSeconds: number,
  iteration: (loop: number, round: number) => Promise<LoopOutcome>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let requests = 0;
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;
  const loop = async (index: number) => {
    for (let round = 0; performance.now() < deadline; round++) {
      const t0 = performance.now();
      try {
        const outcome = await iteration(index, round);
        latencies.push(performance.now() - t0);
        requests += outcome.requests;
      } catch (error) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push((error as Error).message.slice(0, 300));
      }
    }
  };
  await Promise.all(Array.from({ length: loops }, (_, i) => loop(i)));
  const windowSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies.length === 0
      ? 0
      : latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!;
  return {
    completed: latencies.length,
    rps: latencies.length / windowSeconds,
    httpRps: requests / windowSeconds,
    p50: round2(at(0.5)),
    p90: round2(at(0.9)),
    p99: round2(at(0.99)),
    max: round2(latencies.at(-1) ?? 0),
    errors,
    non2xx: 0,
    socketErrors: 0,
    timeouts: 0,
    statusCodes: {},
    windowSeconds,
    errorSamples,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
