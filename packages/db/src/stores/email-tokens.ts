import type { EmailTokenPurpose, EmailTokenRecord, EmailTokenStore, NewEmailToken } from '@gatehouse/core';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { emailTokens } from '../schema/email-tokens.js';

type Row = Pick<typeof emailTokens.$inferSelect, 'userId' | 'purpose' | 'email' | 'expiresAt'>;

const recordColumns = {
  userId: emailTokens.userId,
  purpose: emailTokens.purpose,
  email: emailTokens.email,
  expiresAt: emailTokens.expiresAt,
};

function toRecord(row: Row): EmailTokenRecord {
  return { userId: row.userId, purpose: row.purpose, email: row.email, expiresAt: row.expiresAt };
}

const live = (tokenHash: string, purpose: EmailTokenPurpose, now: Date) =>
  and(
    eq(emailTokens.tokenHash, tokenHash),
    eq(emailTokens.purpose, purpose),
    isNull(emailTokens.usedAt),
    gt(emailTokens.expiresAt, now),
  );

export function createEmailTokenStore(db: Db): EmailTokenStore {
  return translateErrors({
    async issue(token: NewEmailToken, now: Date): Promise<void> {
      await db.transaction(async (tx) => {
        // Only the newest link of a kind works: earlier ones are spent first.
        await tx
          .update(emailTokens)
          .set({ usedAt: now })
          .where(
            and(
              eq(emailTokens.userId, token.userId),
              eq(emailTokens.purpose, token.purpose),
              isNull(emailTokens.usedAt),
            ),
          );
        await tx.insert(emailTokens).values({
          tokenHash: token.tokenHash,
          userId: token.userId,
          purpose: token.purpose,
          email: token.email,
          expiresAt: token.expiresAt,
          createdAt: now,
        });
      });
    },

    async peek(tokenHash, purpose, now) {
      const [row] = await db
        .select(recordColumns)
        .from(emailTokens)
        .where(live(tokenHash, purpose, now));
      return row ? toRecord(row) : null;
    },

    async consume(tokenHash, purpose, now) {
      // One conditional UPDATE: of concurrent consumers only one sees the row still unused.
      const [row] = await db
        .update(emailTokens)
        .set({ usedAt: now })
        .where(live(tokenHash, purpose, now))
        .returning(recordColumns);
      return row ? toRecord(row) : null;
    },
  });
}
