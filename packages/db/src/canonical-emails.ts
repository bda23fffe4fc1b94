import { canonicalEmail } from '@gatehouse/core/accounts';
import { eq, sql } from 'drizzle-orm';
import type { Database } from './connection.js';
import { rethrowAsStoreError } from './errors.js';
import { users } from './schema/users.js';

export interface EmailDuplicate {
  userId: number;
  email: string;
  canonical: string;
  /** The account that already holds the canonical address. */
  heldByUserId: number;
}

export interface EmailCanonicalisationReport {
  /** Accounts whose stored address was rewritten to its canonical form. */
  changed: number;
  /** Accounts left as they are because another one already has their mailbox: for a person to settle. */
  duplicates: EmailDuplicate[];
}

/**
 * SEC-35 for rows written before addresses were canonicalised: rewrites each stored
 * address that is not canonical (non-ASCII, or not lower-case) unless another account
 * already holds the canonical form — then it changes nothing and reports the pair.
 * Nobody is deleted or merged. Idempotent: run after every migration.
 */
export async function canonicaliseStoredEmails(database: Database): Promise<EmailCanonicalisationReport> {
  try {
    const { db } = database;
    const candidates = await db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(sql`${users.email} ~ '[^\\x01-\\x7f]' or ${users.email} <> lower(${users.email})`)
      .orderBy(users.id);
    const report: EmailCanonicalisationReport = { changed: 0, duplicates: [] };
    for (const row of candidates) {
      const canonical = canonicalEmail(row.email);
      if (canonical === null || canonical === row.email) continue;
      const [holder] = await db
        .select({ id: users.id })
        .from(users)
        .where(sql`lower(${users.email}) = ${canonical} and ${users.id} <> ${row.id}`);
      if (holder) {
        report.duplicates.push({ userId: row.id, email: row.email, canonical, heldByUserId: holder.id });
        continue;
      }
      await db.update(users).set({ email: canonical }).where(eq(users.id, row.id));
      report.changed += 1;
    }
    return report;
  } catch (error) {
    rethrowAsStoreError(error);
  }
}
