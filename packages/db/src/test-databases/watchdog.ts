import { spawn } from 'node:child_process';
import { open, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOwnerPid } from './run-owner.js';

export interface Leftovers {
  /** Postgres server to drop the run's databases from… */
  postgresUrl?: string;
  /** …namely those whose names match this regular expression. */
  databaseRegex?: string;
  /** Directories whose entries start with `prefix` belong to the run. */
  directoryPrefixes?: { parent: string; prefix: string }[];
}

/**
 * Vitest ends a worker with SIGTERM (then SIGKILL) as soon as its file is done, so
 * no test process can clean up after itself on exit. One detached watchdog per run
 * (and kind of leftovers) waits for the run's owner process to die, then removes
 * what the run left: the shared template database, and whatever a test did not close.
 */
const script = `
const [ownerPid, marker, json] = process.argv.slice(1);
const leftovers = JSON.parse(json);
const fs = require('node:fs');
const path = require('node:path');
const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const cleanUp = async () => {
  for (const { parent, prefix } of leftovers.directoryPrefixes ?? []) {
    let names = [];
    try { names = fs.readdirSync(parent); } catch {}
    for (const name of names) if (name.startsWith(prefix)) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
  if (leftovers.postgresUrl) {
    const postgres = require(leftovers.postgresModule);
    const sql = postgres(leftovers.postgresUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql\`select datname from pg_database where datname ~ \${leftovers.databaseRegex}\`;
      for (const { datname } of rows) await sql.unsafe('drop database if exists "' + datname + '" with (force)');
    } finally { await sql.end({ timeout: 5 }); }
  }
};
const timer = setInterval(() => {
  if (alive(ownerPid)) return;
  clearInterval(timer);
  cleanUp().finally(() => fs.rmSync(marker, { force: true }));
}, 200);
`;

const started = new Set<string>();

/** Starts the run's watchdog for `kind` unless this or another worker of the run already did. */
export async function ensureWatchdog(kind: string, leftovers: Leftovers): Promise<void> {
  if (started.has(kind)) return;
  started.add(kind);
  const owner = runOwnerPid();
  // The marker names the watchdog's pid, so a marker left by a dead one is taken over.
  const marker = join(tmpdir(), `gatehouse-test-watchdog-${kind}-${owner}`);
  for (;;) {
    const handle = await open(marker, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return null;
      throw error;
    });
    if (handle) {
      try {
        await handle.writeFile(String(spawnWatchdog(owner, marker, leftovers)));
      } finally {
        await handle.close();
      }
      return;
    }
    const watchdog = Number(await readFile(marker, 'utf8').catch(() => ''));
    // An empty marker is one being written right now.
    if (!watchdog || isAlive(watchdog)) return;
    await rm(marker, { force: true });
  }
}

function spawnWatchdog(owner: number, marker: string, leftovers: Leftovers): number {
  const postgresModule = createRequire(import.meta.url).resolve('postgres');
  const child = spawn(
    process.execPath,
    ['-e', script, String(owner), marker, JSON.stringify({ ...leftovers, postgresModule })],
    // Without the test runner's NODE_OPTIONS: its loaders are not for this plain script.
    { detached: true, stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } },
  );
  child.unref();
  return child.pid ?? 0;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
