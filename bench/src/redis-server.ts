import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisCommands } from './gatehouse/redis.js';
import { freePort, type StopResult, trackChild } from './processes.js';

/** How often the append-only file reaches the disk: `always`, `everysec` or `no` (Redis's own words). */
export type AppendFsync = 'always' | 'everysec' | 'no';

export interface RedisServer {
  readonly pid: number;
  readonly url: string;
  readonly appendfsync: AppendFsync;
  /** SHUTDOWN NOSAVE by SIGTERM, SIGKILL after `graceMs`; removes its data directory. */
  stop(graceMs?: number): Promise<StopResult>;
}

export const REDIS_SERVER_BINARY = '/usr/bin/redis-server';

/**
 * A redis-server of the bench's own, on a free loopback port, persisting every write to an
 * append-only file (`appendonly yes`) with the given `appendfsync` policy, in a temp directory
 * (no RDB snapshots: the AOF is the durability being measured). Never the machine's Redis.
 */
export async function startRedisServer(appendfsync: AppendFsync): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER_BINARY)) throw new Error(`${REDIS_SERVER_BINARY} not found`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-redis-'));
  const child = spawn(
    REDIS_SERVER_BINARY,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      appendfsync,
      '--daemonize',
      'no',
      '--logfile',
      '',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  trackChild(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 50) lines.splice(0, lines.length - 50);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<StopResult>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, killed: false })),
  );
  const url = `redis://127.0.0.1:${port}`;
  const server: RedisServer = {
    pid: child.pid!,
    url,
    appendfsync,
    async stop(graceMs = 15_000) {
      let result: StopResult;
      if (child.exitCode !== null || child.signalCode !== null) {
        result = await exited;
      } else {
        child.kill('SIGTERM');
        const timer = new Promise<'timeout'>((resolve) =>
          setTimeout(() => resolve('timeout'), graceMs).unref(),
        );
        const first = await Promise.race([exited, timer]);
        if (first === 'timeout') {
          child.kill('SIGKILL');
          result = { ...(await exited), killed: true };
        } else {
          result = first;
        }
      }
      rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server exited during start-up:\n${lines.join('\n')}`);
    }
    try {
      const [pong] = await redisCommands(url, [['PING']]);
      if (pong === 'PONG') return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await server.stop(2000);
  throw new Error(`redis-server did not answer PING within 15 s:\n${lines.join('\n')}`);
}
