import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationsFolder } from '../migrate.js';

/** Changes whenever a migration (or `extra`, e.g. an engine version) changes: names a reusable template. */
export async function migrationsKey(extra = ''): Promise<string> {
  const hash = createHash('sha256').update(extra);
  for (const file of (await readdir(migrationsFolder, { recursive: true })).sort()) {
    if (file.endsWith('.sql') || file.endsWith('_journal.json')) {
      hash.update(file).update(await readFile(join(migrationsFolder, file)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}
