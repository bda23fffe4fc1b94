import type { Grant, GrantStore } from '@gatehouse/core';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { grants } from '../schema/grants.js';
import { scopeSet } from './scopes.js';

type GrantRow = typeof grants.$inferSelect;

function toGrant(row: GrantRow): Grant {
  return {
    userId: row.userId,
    clientId: row.clientId,
    scopes: row.scopes,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function createGrantStore(db: Db): GrantStore {
  const find = db
    .select()
    .from(grants)
    .where(
      and(eq(grants.userId, sql.placeholder('userId')), eq(grants.clientId, sql.placeholder('clientId'))),
    )
    .prepare('grants_find');

  return translateErrors({
    async find(userId: number, clientId: number): Promise<Grant | null> {
      const [row] = await find.execute({ userId, clientId });
      return row ? toGrant(row) : null;
    },

    async upsert(userId: number, clientId: number, scopes: string[]): Promise<Grant> {
      const [row] = await db
        .insert(grants)
        .values({ userId, clientId, scopes: scopeSet(scopes) })
        .onConflictDoUpdate({
          target: [grants.userId, grants.clientId],
          // Merged in the statement, so two concurrent consents cannot drop each other's scopes.
          set: {
            scopes: sql`array(select distinct s from unnest(${grants.scopes} || excluded.scopes) as s order by s)`,
            updatedAt: sql`now()`,
          },
        })
        .returning();
      return toGrant(row!);
    },

    async listByUser(userId: number): Promise<Grant[]> {
      const rows = await db
        .select()
        .from(grants)
        .where(eq(grants.userId, userId))
        .orderBy(asc(grants.createdAt), asc(grants.clientId));
      return rows.map(toGrant);
    },

    async delete(userId: number, clientId: number): Promise<boolean> {
      const rows = await db
        .delete(grants)
        .where(and(eq(grants.userId, userId), eq(grants.clientId, clientId)))
        .returning({ userId: grants.userId });
      return rows.length > 0;
    },
  });
}
