import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the kernel picks the local ports of outgoing connections (Linux's default elsewhere). */
function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Number(low) || 32768;
  } catch {
    return 32768;
  }
}

const FIRST_PORT = 20000;
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port a child process can listen on. Chosen below the ephemeral range: a port the kernel
 * handed out for `listen(0)` can be taken by any outgoing connection (a database client, say)
 * before the child binds it, which made processes fail with EADDRINUSE on a busy machine.
 * Never the same port twice in one process.
 */
export async function freePort(): Promise<number> {
  const span = ephemeralRangeStart() - FIRST_PORT;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST_PORT + randomInt(span);
    if (handedOut.has(port)) continue;
    handedOut.add(port); // before the check, so concurrent callers never pick it too
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port from ${FIRST_PORT} to ${FIRST_PORT + span - 1} after 100 tries`);
}

export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves when the combined output matches, rejects after `ms`. */
  waitFor(pattern: RegExp, ms: number): Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Spawns a process, collecting stdout and stderr. `processGroup` puts it in a process group
 * of its own, so a test can signal the whole group as a terminal's Ctrl-C does.
 */
export function startProcess(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { processGroup?: boolean; cwd?: string } = {},
): Child {
  const child = spawn(command, args, {
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup === true,
    cwd: options.cwd,
  });
  let output = '';
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    output: () => output,
    exited,
    waitFor(pattern, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in:\n${output}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Polls `probe` until it returns true, or fails after `ms`. Returns the time it took. */
export async function eventually(probe: () => Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await probe().catch(() => false)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

/** Signals a process group started with `processGroup`; a group that is gone is fine. */
export function signalGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.process.pid!, signal);
  } catch {
    // already exited
  }
}
