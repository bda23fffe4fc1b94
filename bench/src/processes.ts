import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A server the bench started: its own OS process, watched for memory, stopped at the end. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly origin: string;
  readonly child: ChildProcess;
  /** The last lines the process printed (for diagnosing a failed start or a failed run). */
  logs(): string;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone. */
  stop(graceMs?: number): Promise<StopResult>;
}

export interface StopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when SIGTERM was not enough. */
  killed: boolean;
}

const live = new Set<ChildProcess>();
let cleanupInstalled = false;

/** Children must not outlive the harness, whatever way it ends. */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping child processes`);
      for (const child of live) child.kill('SIGTERM');
      setTimeout(() => process.exit(130), 2000).unref();
    });
  }
}

/** A child the harness started some other way (e.g. redis-server): killed with the rest if the harness dies. */
export function trackChild(child: ChildProcess): void {
  installCleanup();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** One copy of the helper for every tool that starts servers. */
export { freePort } from '@gatehouse/stack/testing';

export interface StartOptions {
  name: string;
  /** The script to run with `node`. */
  script: string;
  /** Extra `node` flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  /** Polled until it answers 200. */
  readyPath: string;
  /** Give the child an IPC channel (for servers the bench talks to out of band). */
  ipc?: boolean;
  readyTimeoutMs?: number;
}

export async function startServer(options: StartOptions): Promise<ServerProcess> {
  installCleanup();
  const stdio = ['ignore', 'pipe', 'pipe'] as const;
  const child = options.ipc
    ? fork(options.script, [], {
        execArgv: options.nodeArgs ?? [],
        env: options.env,
        stdio: [...stdio, 'ipc'],
      })
    : spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
        env: options.env,
        stdio: [...stdio],
      });
  live.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<StopResult>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal, killed: false });
    });
  });

  const origin = `http://127.0.0.1:${options.port}`;
  const server: ServerProcess = {
    name: options.name,
    pid: child.pid!,
    origin,
    child,
    logs: () => lines.join('\n'),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), graceMs).unref(),
      );
      const first = await Promise.race([exited, timer]);
      if (first !== 'timeout') return first;
      child.kill('SIGKILL');
      return { ...(await exited), killed: true };
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${options.name} exited during start-up (${child.exitCode ?? child.signalCode}):\n${server.logs()}`,
      );
    }
    try {
      const response = await fetch(origin + options.readyPath, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return server;
      lastProblem = `${options.readyPath} answered ${response.status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop(2000);
  throw new Error(`${options.name} was not ready within the timeout (${lastProblem}):\n${server.logs()}`);
}

export interface Memory {
  /** Resident set size now, MiB. */
  rssMb: number;
  /** Peak resident set size over the process's life (VmHWM), MiB. */
  hwmMb: number;
}

/** Reads /proc/<pid>/status; null when the process is gone or /proc is unavailable. */
export function readMemory(pid: number): Memory | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Samples VmRSS every `intervalMs` while a scenario runs; `stop()` gives the peak seen, MiB. */
export function sampleRss(pid: number, intervalMs = 200): { stop(): number } {
  let peak = readMemory(pid)?.rssMb ?? 0;
  const timer = setInterval(() => {
    const memory = readMemory(pid);
    if (memory && memory.rssMb > peak) peak = memory.rssMb;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const memory = readMemory(pid);
      if (memory && memory.rssMb > peak) peak = memory.rssMb;
      return peak;
    },
  };
}
