import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Database, openPglite } from '../connection.js';
import { migrateDatabase } from '../migrate.js';
import { copyDirectory } from './copy-directory.js';
import { migrationsKey } from './migrations-key.js';
import { runOwnerPid, scratchName } from './run-owner.js';
import { ensureWatchdog, isAlive } from './watchdog.js';

const root = join(tmpdir(), 'gatehouse-test-pglite');

/**
 * Test databases on embedded PGlite. Initialising a data directory takes seconds;
 * copying a migrated one and opening the copy takes well under one. So one template
 * directory is built per migration set and PGlite version, shared by every worker
 * and package (and kept across runs), and each test database is a copy of it.
 */
export class PgliteTestDatabases {
  private template: Promise<string> | undefined;

  async create(): Promise<{ database: Database; drop(): Promise<void> }> {
    this.template ??= this.prepare().catch((error) => {
      this.template = undefined; // let the next test try again
      throw error;
    });
    const template = await this.template;
    const directory = join(root, scratchName('copy'));
    await copyDirectory(template, directory);
    // Tests need no fsync; close() still writes everything out.
    const database = await openPglite(directory, { relaxedDurability: true });
    return {
      database,
      drop: async () => {
        await database.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  }

  private async prepare(): Promise<string> {
    await mkdir(root, { recursive: true });
    const owner = runOwnerPid();
    await ensureWatchdog('pglite', {
      directoryPrefixes: ['copy', 'building'].map((kind) => ({ parent: root, prefix: `${kind}_${owner}_` })),
    });
    return ensureTemplate(join(root, `template-${await migrationsKey(`pglite ${await pgliteVersion()}`)}`));
  }
}

/**
 * The template appears only by an atomic rename of a finished build, so a directory
 * that exists is complete. The lock file only saves parallel workers from all
 * building it at once; a lock whose owner died is taken over.
 */
async function ensureTemplate(template: string): Promise<string> {
  const lock = `${template}.lock`;
  while (!existsSync(template)) {
    const handle = await open(lock, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return null;
      throw error;
    });
    if (!handle) {
      if (await isStale(lock)) await rm(lock, { force: true });
      else await sleep(100);
      continue;
    }
    try {
      await handle.writeFile(String(process.pid));
      if (!existsSync(template)) await buildTemplate(template);
    } finally {
      await handle.close();
      await rm(lock, { force: true });
    }
  }
  return template;
}

async function buildTemplate(template: string): Promise<void> {
  const building = join(root, scratchName('building'));
  const database = await openPglite(building);
  try {
    await migrateDatabase(database);
  } finally {
    await database.close();
  }
  await rename(building, template);
  await pruneOldTemplates(template);
}

/**
 * Each migration change makes a new template (about 30 MB); drop those built more
 * than an hour ago for other migrations, which no current run is likely to copy.
 */
async function pruneOldTemplates(current: string): Promise<void> {
  for (const name of await readdir(root)) {
    const path = join(root, name);
    if (!name.startsWith('template-') || name.endsWith('.lock') || path === current) continue;
    const built = await stat(path).catch(() => null);
    if (built && Date.now() - built.mtimeMs > 3_600_000) await rm(path, { recursive: true, force: true });
  }
}

async function isStale(lock: string): Promise<boolean> {
  try {
    const owner = Number(await readFile(lock, 'utf8'));
    if (owner > 0 && !isAlive(owner)) return true;
    // An owner that is alive but has held the lock this long is stuck.
    return Date.now() - (await stat(lock)).mtimeMs > 5 * 60_000;
  } catch {
    return false; // gone already, or not written yet
  }
}

/** PGlite's version: its on-disk format may change with it. */
async function pgliteVersion(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8'));
  return String(manifest.version);
}
