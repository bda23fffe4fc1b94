import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** One copy of the helper for every tool that starts servers. */
export { freePort } from '@gatehouse/stack/testing';

/** How to (re)start one process of the topology; kept in the state file. */
export interface ProcessSpec {
  /** e.g. `token-2`. */
  name: string;
  command: string;
  args: string[];
  /** The whole environment of the process: nothing is inherited from the caller. */
  env: Record<string, string>;
  /** stdout and stderr are appended here. */
  log: string;
  /** The loopback port it listens on, when it has one. */
  port?: number;
}

export interface ProcessRecord extends ProcessSpec {
  pid: number;
  /** The kernel's start time of `pid` (clock ticks since boot): tells a recycled pid apart. */
  startTime: string | null;
}

/**
 * Starts a process with its output appended to its log file. Detached processes get
 * their own session, so they outlive the command that started them (`topology:up`).
 */
export function launch(spec: ProcessSpec, options: { detached: boolean }): ProcessRecord {
  const fd = openSync(spec.log, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      env: spec.env,
      stdio: ['ignore', fd, fd],
      detached: options.detached,
    });
    // Without a listener a failed spawn would be an uncaught error; the caller sees no pid.
    child.on('error', () => undefined);
    if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.command}`);
    if (options.detached) child.unref();
    return { ...spec, pid: child.pid, startTime: startTimeOf(child.pid) };
  } finally {
    closeSync(fd);
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function startTimeOf(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

const HAVE_PROC = existsSync('/proc/self/stat');

/** True while the process exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  if (HAVE_PROC) {
    const state = statFields(pid)?.[0];
    return state !== undefined && state !== 'Z' && state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when `pid` still is the process we started, so a recycled pid is never signalled. */
export function isOurs(record: Pick<ProcessRecord, 'pid' | 'startTime'>): boolean {
  if (!isRunning(record.pid)) return false;
  return record.startTime === null || startTimeOf(record.pid) === record.startTime;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Thrown by a probe to stop `eventually` at once (e.g. the process it waits for died). */
export class GiveUp extends Error {}

/**
 * Polls `probe` until it returns true; returns the milliseconds it took, or throws after
 * `ms` (at once when the probe throws GiveUp).
 */
export async function eventually(
  probe: () => Promise<boolean> | boolean,
  ms: number,
  what = 'condition',
  intervalMs = 50,
): Promise<number> {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < ms) {
    try {
      if (await probe()) return Date.now() - started;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`${what} not met within ${ms} ms${cause}`);
}

/**
 * Sends `signal` and waits for the process to go away; SIGKILL after `graceMs`.
 * Returns how long the process took to exit, or -1 when it was not running.
 */
export async function stopProcess(
  record: Pick<ProcessRecord, 'pid' | 'startTime' | 'name'>,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
): Promise<number> {
  const started = Date.now();
  if (!isOurs(record)) return -1;
  try {
    process.kill(record.pid, signal);
  } catch {
    return -1;
  }
  try {
    return await eventually(() => !isRunning(record.pid), graceMs, `${record.name} to exit`, 25);
  } catch {
    try {
      process.kill(record.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await eventually(() => !isRunning(record.pid), 5000, `${record.name} to die`, 25);
    return Date.now() - started;
  }
}

/** The absolute path of an executable on PATH, or null. */
export function which(command: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

const APT_PACKAGES: Record<string, string> = {
  caddy: 'caddy',
  'redis-server': 'redis-server',
  psql: 'postgresql-client',
};

/**
 * Makes sure the commands the topology runs exist, installing Debian's packages when
 * they are missing (root only): `apt-get install`, and `apt-get update` first if that fails.
 */
export function ensureCommands(commands: string[], log: (line: string) => void): void {
  const missing = commands.filter((command) => !which(command));
  if (missing.length === 0) return;
  const packages = missing.map((command) => APT_PACKAGES[command] ?? command);
  const hint = `apt-get install -y ${packages.join(' ')}`;
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(', ')}: run \`${hint}\` as root`);
  log(`installing ${packages.join(', ')} (${hint})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFileSync('apt-get', ['install', '-y', '-qq', ...packages], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    install();
  }
  const still = missing.filter((command) => !which(command));
  if (still.length > 0) throw new Error(`still missing after ${hint}: ${still.join(', ')}`);
}
