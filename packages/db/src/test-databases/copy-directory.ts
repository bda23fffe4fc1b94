import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Recursive copy, files in parallel: about twice as fast as `fs.cp` on a PGlite data directory. */
export async function copyDirectory(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? copyDirectory(join(from, entry.name), join(to, entry.name))
        : copyFile(join(from, entry.name), join(to, entry.name)),
    ),
  );
}
