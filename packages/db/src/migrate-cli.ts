/**
 * `pnpm db:migrate`: applies pending migrations to the database the configuration
 * names (DATABASE_URL, else PGlite under DATA_DIR) and says what it did. On failure
 * it prints one line (never the URL, which may hold a password) and exits 1.
 */
import { resolve } from 'node:path';
import { loadConfig } from '@gatehouse/core';
import { canonicaliseStoredEmails } from './canonical-emails.js';
import { openDatabase } from './connection.js';
import { migrateDatabase } from './migrate.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const target =
    database.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : `PGlite in ${resolve(config.dataDir)}`;
  try {
    const { applied, total } = await migrateDatabase(database);
    console.log(
      applied.length === 0
        ? `${target}: already up to date (${total} migrations).`
        : `${target}: applied ${applied.length} of ${total} migrations: ${applied.join(', ')}.`,
    );
    const emails = await canonicaliseStoredEmails(database);
    if (emails.changed > 0)
      console.log(`${target}: ${emails.changed} e-mail addresses put in canonical form.`);
    for (const d of emails.duplicates) {
      // Reported, never merged or deleted: which account keeps the mailbox is a person's decision.
      console.log(
        `duplicate mailbox: user ${d.userId} (${d.email}) is ${d.canonical}, already held by user ${d.heldByUserId}; left unchanged`,
      );
    }
  } finally {
    await database.close();
  }
}

/** The message, plus what caused it: "database unavailable: connect ECONNREFUSED 127.0.0.1:5432". */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.split('\n')[0] ?? '';
}

main().catch((error: unknown) => {
  console.error(`db:migrate failed: ${reason(error)}`);
  process.exit(1);
});
