import type { NewUser, User, UserListQuery, UserStatus, UserStore } from '@gatehouse/core';
import { and, asc, eq, ilike, or, sql } from 'drizzle-orm';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { balances } from '../schema/balances.js';
import { users } from '../schema/users.js';

type UserRow = typeof users.$inferSelect;

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: row.emailVerified,
    passwordHash: row.passwordHash,
    sessionEpoch: row.sessionEpoch,
    status: row.status,
    createdAt: row.createdAt,
  };
}

/** LIKE treats `%`, `_` and `\` specially; a search box must not. */
function likeSubstring(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createUserStore(db: Db): UserStore {
  const findById = db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare('users_find_by_id');

  const login = sql.placeholder('login');
  const findByLogin = db
    .select()
    .from(users)
    .where(or(sql`lower(${users.username}) = lower(${login})`, sql`lower(${users.email}) = lower(${login})`))
    // If one user's email is another's username, the username wins.
    .orderBy(sql`lower(${users.username}) = lower(${login}) desc`)
    .limit(1)
    .prepare('users_find_by_login');

  return translateErrors({
    async create(user: NewUser): Promise<User> {
      // One statement, so the user never exists without a balance row.
      const created = db
        .$with('created')
        .as(
          db
            .insert(users)
            .values({ username: user.username, email: user.email, passwordHash: user.passwordHash })
            .returning(),
        );
      const balance = db.$with('balance').as(
        db.insert(balances).select(
          db
            .select({
              userId: created.id,
              quota: sql`0`.as('quota'),
              usedQuota: sql`0`.as('used_quota'),
              held: sql`0`.as('held'),
              updatedAt: sql`now()`.as('updated_at'),
            })
            .from(created),
        ),
      );
      const [row] = await db.with(created, balance).select().from(created);
      return toUser(row!);
    },

    async findById(id: number): Promise<User | null> {
      const [row] = await findById.execute({ id });
      return row ? toUser(row) : null;
    },

    async findByLogin(usernameOrEmail: string): Promise<User | null> {
      const [row] = await findByLogin.execute({ login: usernameOrEmail });
      return row ? toUser(row) : null;
    },

    async list(query: UserListQuery): Promise<User[]> {
      const pattern = query.q ? likeSubstring(query.q) : undefined;
      const rows = await db
        .select()
        .from(users)
        .where(pattern ? or(ilike(users.username, pattern), ilike(users.email, pattern)) : undefined)
        .orderBy(asc(users.id))
        .limit(query.limit)
        .offset(query.offset);
      return rows.map(toUser);
    },

    async setStatus(id: number, status: UserStatus): Promise<User | null> {
      const [row] = await db.update(users).set({ status }).where(eq(users.id, id)).returning();
      return row ? toUser(row) : null;
    },

    async markEmailVerified(id: number, email: string): Promise<boolean> {
      const rows = await db
        .update(users)
        .set({ emailVerified: true })
        .where(and(eq(users.id, id), sql`lower(${users.email}) = lower(${email})`))
        .returning({ id: users.id });
      return rows.length > 0;
    },

    async changeEmail(id: number, email: string): Promise<User | null> {
      const [row] = await db
        .update(users)
        .set({ email, emailVerified: false })
        .where(eq(users.id, id))
        .returning();
      return row ? toUser(row) : null;
    },

    async setPassword(id: number, passwordHash: string): Promise<User | null> {
      const [row] = await db
        .update(users)
        .set({ passwordHash, sessionEpoch: sql`${users.sessionEpoch} + 1` })
        .where(eq(users.id, id))
        .returning();
      return row ? toUser(row) : null;
    },

    async isEmpty(): Promise<boolean> {
      const rows = await db.select({ one: sql`1` }).from(users).limit(1);
      return rows.length === 0;
    },
  });
}
