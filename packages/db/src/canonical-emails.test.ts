import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { canonicaliseStoredEmails } from './canonical-emails.js';
import { createTestDatabase } from './testing/index.js';

describe('canonicaliseStoredEmails (SEC-35)', () => {
  it('rewrites legacy addresses, reports duplicates and deletes nobody', async () => {
    const test = await createTestDatabase();
    try {
      const { users } = test.stores;
      // As the old code stored them: any spelling.
      const plain = await users.create({ username: 'canon_a', email: 'm1@example.test', passwordHash: 'x' });
      const fullwidth = await users.create({
        username: 'canon_b',
        email: 'm1@ｅxample.test',
        passwordHash: 'x',
      });
      const idn = await users.create({ username: 'canon_c', email: 'Kim@Bücher.example', passwordHash: 'x' });

      const report = await canonicaliseStoredEmails(test.database);
      expect(report).toEqual({
        changed: 1,
        duplicates: [
          {
            userId: fullwidth.id,
            email: 'm1@ｅxample.test',
            canonical: 'm1@example.test',
            heldByUserId: plain.id,
          },
        ],
      });
      expect((await users.findById(idn.id))?.email).toBe('kim@xn--bcher-kva.example');
      expect((await users.findById(fullwidth.id))?.email).toBe('m1@ｅxample.test');
      const count = await test.database.db.execute(
        sql`select count(*)::int as n from users where username like 'canon_%'`,
      );
      const rows = Array.isArray(count) ? count : (count as { rows: unknown[] }).rows;
      expect(rows[0]).toEqual({ n: 3 });

      // Idempotent: nothing more to change, the same duplicate reported again.
      expect(await canonicaliseStoredEmails(test.database)).toMatchObject({
        changed: 0,
        duplicates: [{ userId: fullwidth.id }],
      });
    } finally {
      await test.close();
    }
  }, 120_000);
});
