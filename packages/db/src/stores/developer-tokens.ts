import type { DeveloperToken, DeveloperTokenStore } from '@gatehouse/core';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { developerTokens } from '../schema/developer-tokens.js';

type DeveloperTokenRow = typeof developerTokens.$inferSelect;

function toToken(row: DeveloperTokenRow): DeveloperToken {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    tokenHash: row.tokenHash,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export function createDeveloperTokenStore(db: Db): DeveloperTokenStore {
  const findActiveByHash = db
    .select()
    .from(developerTokens)
    .where(
      and(eq(developerTokens.tokenHash, sql.placeholder('tokenHash')), isNull(developerTokens.revokedAt)),
    )
    .prepare('developer_tokens_find_active');

  return translateErrors({
    async create(token: { userId: number; name: string; tokenHash: string }): Promise<DeveloperToken> {
      const [row] = await db
        .insert(developerTokens)
        .values({ userId: token.userId, name: token.name, tokenHash: token.tokenHash })
        .returning();
      return toToken(row!);
    },

    async findActiveByHash(tokenHash: string): Promise<DeveloperToken | null> {
      const [row] = await findActiveByHash.execute({ tokenHash });
      return row ? toToken(row) : null;
    },

    async listByUser(userId: number): Promise<DeveloperToken[]> {
      const rows = await db
        .select()
        .from(developerTokens)
        .where(and(eq(developerTokens.userId, userId), isNull(developerTokens.revokedAt)))
        .orderBy(desc(developerTokens.id));
      return rows.map(toToken);
    },

    async revoke(id: number, userId: number, now: Date): Promise<boolean> {
      const rows = await db
        .update(developerTokens)
        .set({ revokedAt: now })
        .where(
          and(
            eq(developerTokens.id, id),
            eq(developerTokens.userId, userId),
            isNull(developerTokens.revokedAt),
          ),
        )
        .returning({ id: developerTokens.id });
      return rows.length > 0;
    },
  });
}
