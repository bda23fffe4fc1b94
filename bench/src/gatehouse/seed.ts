import {
  type AccessTokenData,
  type AuthorizationCodeData,
  type CacheStores,
  type DurableStores,
  randomId,
  randomToken,
  sha256Hex,
  TOKEN_PREFIX,
} from '@gatehouse/core';
import { mintNewFamilyToken } from '@gatehouse/core/token';
import { type Database, type Db, schema } from '@gatehouse/db';
import { hashPassword } from '@gatehouse/service-kit';
import { forEachLimited, Progress } from '../progress.js';

/** The one confidential client every Gatehouse scenario authenticates as. */
export interface BenchClient {
  /** Internal id. */
  id: number;
  clientId: string;
  secret: string;
  redirectUri: string;
}

export interface BenchUser {
  id: number;
  username: string;
  /** A token family that exists in the database (its access tokens belong to it). */
  familyId: string;
}

export interface BaseSeed {
  client: BenchClient;
  users: BenchUser[];
  password: string;
}

export const BENCH_PASSWORD = 'bench-password-not-secret';
/** What every seeded credential is scoped to: the scenario is "userinfo with profile balance". */
export const SCOPES = ['balance', 'profile'];
/** Redirect target that is never followed: only its query (the code) is read. */
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const STARTING_QUOTA = 375_000_000n;
const REFRESH_TTL_SECONDS = 30 * 86400;

/**
 * The fixed part of the data set, through the stores (so it is exactly what the product would
 * write): one client; users with a credited balance, a remembered consent for the client, and one
 * live refresh-token family each.
 */
export async function seedBase(db: DurableStores, userCount: number): Promise<BaseSeed> {
  const secret = randomToken(TOKEN_PREFIX.clientSecret);
  const created = await db.clients.create({
    clientId: `gh_bench_${randomId(6)}`,
    secretHash: sha256Hex(secret),
    name: 'Bench App',
    description: 'The benchmark harness.',
    homepageUrl: 'http://127.0.0.1:9/',
    redirectUris: [REDIRECT_URI],
    allowedScopes: [...SCOPES],
    trusted: false,
  });
  const client: BenchClient = {
    id: created.id,
    clientId: created.clientId,
    secret,
    redirectUri: REDIRECT_URI,
  };

  // One argon2 hash shared by every user: hashing 1,000 passwords would take most of a minute.
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const users: BenchUser[] = new Array(userCount);
  const progress = new Progress('users, balances, consents', userCount);
  const expiresAt = new Date(Date.now() + REFRESH_TTL_SECONDS * 1000);
  await forEachLimited(
    Array.from({ length: userCount }, (_, i) => i),
    8,
    async (i) => {
      const username = `bench${String(i + 1).padStart(7, '0')}`;
      const user = await db.users.create({ username, email: `${username}@bench.invalid`, passwordHash });
      await db.ledger.apply({
        userId: user.id,
        amount: STARTING_QUOTA,
        kind: 'credit',
        reference: 'bench seed',
        idempotencyKey: `bench-seed-${user.id}`,
        actor: 'bench',
      });
      await db.grants.upsert(user.id, client.id, SCOPES);
      // As the code exchange issues it; the token itself is never presented.
      const family = mintNewFamilyToken();
      const stored = await db.refreshTokens.createForActiveUser({
        keyHash: family.keyHash,
        tokenHash: family.hash,
        familyId: family.familyId,
        clientId: client.id,
        userId: user.id,
        scopes: SCOPES,
        expiresAt,
      });
      if (!stored) throw new Error(`seed: no refresh-token family stored for ${username}`);
      users[i] = { id: user.id, username, familyId: family.familyId };
    },
    progress,
  );
  progress.finish();
  return { client, users, password: BENCH_PASSWORD };
}

/**
 * `count` live refresh tokens, each the head of its own family (as if each came from its own
 * code exchange), spread over the users. Multi-row INSERTs, not one request each.
 */
export async function seedRefreshPool(
  database: Database,
  seed: BaseSeed,
  count: number,
  label: string,
): Promise<string[]> {
  const db: Db = database.db;
  const tokens: string[] = new Array(count);
  const expiresAt = new Date(Date.now() + REFRESH_TTL_SECONDS * 1000);
  const batch = 1000;
  const batches = Math.ceil(count / batch);
  const progress = new Progress(label, count);
  await forEachLimited(
    Array.from({ length: batches }, (_, i) => i),
    database.kind === 'postgres' ? 4 : 1,
    async (b) => {
      const rows: (typeof schema.refreshTokenFamilies.$inferInsert)[] = [];
      for (let i = b * batch; i < Math.min(count, (b + 1) * batch); i++) {
        // As the code exchange issues it: generation 0 of a new family (one row, SEC-81).
        const minted = mintNewFamilyToken();
        tokens[i] = minted.value;
        const user = seed.users[i % seed.users.length]!;
        rows.push({
          id: minted.familyId,
          clientId: seed.client.id,
          userId: user.id,
          scopes: SCOPES,
          tokenHash: minted.hash,
          // Born at its final width, as the store creates it, so rotations stay in place.
          previousHash: minted.hash,
          rotatedAt: new Date(),
          keyHash: minted.keyHash,
          expiresAt,
        });
      }
      await db.insert(schema.refreshTokenFamilies).values(rows);
      progress.tick(rows.length);
    },
  );
  progress.finish();
  return tokens;
}

/** `count` fresh authorization codes written straight into the cache, as the authorize service would. */
export async function seedCodes(
  cache: CacheStores,
  seed: BaseSeed,
  count: number,
  label: string,
): Promise<string[]> {
  const codes: string[] = new Array(count);
  const progress = new Progress(label, count);
  const authTime = Math.floor(Date.now() / 1000);
  await forEachLimited(
    Array.from({ length: count }, (_, i) => i),
    256,
    async (i) => {
      const code = randomToken(TOKEN_PREFIX.authorizationCode);
      codes[i] = code;
      const user = seed.users[i % seed.users.length]!;
      const data: AuthorizationCodeData = {
        clientId: seed.client.id,
        userId: user.id,
        redirectUri: seed.client.redirectUri,
        scopes: SCOPES,
        codeChallenge: null,
        familyId: randomId(),
        authTime,
      };
      // An hour rather than the product's 60 s: the codes must outlive the scenarios before theirs.
      await cache.codes.put(sha256Hex(code), data, 3600);
    },
    progress,
  );
  progress.finish();
  return codes;
}

/** One access token per user (reusable: userinfo and introspection do not spend them). */
export async function seedAccessTokens(cache: CacheStores, seed: BaseSeed, label: string): Promise<string[]> {
  const tokens: string[] = new Array(seed.users.length);
  const progress = new Progress(label, seed.users.length);
  const issuedAt = Math.floor(Date.now() / 1000);
  await forEachLimited(
    seed.users,
    128,
    async (user, i) => {
      const token = randomToken(TOKEN_PREFIX.accessToken);
      tokens[i] = token;
      const data: AccessTokenData = {
        clientId: seed.client.id,
        clientPublicId: seed.client.clientId,
        userId: user.id,
        scopes: SCOPES,
        familyId: user.familyId,
        issuedAt,
        expiresAt: issuedAt + 7200,
      };
      await cache.accessTokens.put(sha256Hex(token), data, 7200);
    },
    progress,
  );
  progress.finish();
  return tokens;
}

/**
 * The large-data variant: `rows` more users (each with a balance), `rows` more consents and
 * `rows` more refresh tokens, each by `INSERT … SELECT generate_series` in chunks (for the
 * progress bar) — seconds, not a million requests. The bench users stay the ones measured; the
 * tables they are looked up in are now a thousand times larger.
 */
export async function seedLarge(database: Database, seed: BaseSeed, rows: number): Promise<void> {
  const db: Db = database.db;
  const chunk = 50_000;
  const chunks = Math.ceil(rows / chunk);
  const hash = (await db.execute<{ password_hash: string }>(
    `select password_hash from users where id = ${seed.users[0]!.id}`,
  )) as unknown;
  const passwordHash = firstRow<{ password_hash: string }>(hash).password_hash.replaceAll("'", "''");
  const client = seed.client.id;
  const progress = new Progress(`large: ${rows.toLocaleString('en-US')} users/consents/refresh tokens`, rows);
  for (let c = 0; c < chunks; c++) {
    const from = c * chunk + 1;
    const to = Math.min(rows, (c + 1) * chunk);
    await db.execute(`
      with new_users as (
        insert into users (username, email, password_hash)
        select 'bulk' || g, 'bulk' || g || '@bench.invalid', '${passwordHash}'
        from generate_series(${from}, ${to}) as g
        returning id
      ), new_balances as (
        insert into balances (user_id, quota) select id, 500000 from new_users returning user_id
      ), new_grants as (
        insert into grants (user_id, client_id, scopes)
        select user_id, ${client}, '{balance,profile}'::text[] from new_balances returning user_id
      )
      insert into refresh_token_families
        (id, client_id, user_id, scopes, token_hash, previous_hash, rotated_at, expires_at)
      select 'bulkfam' || user_id, ${client}, user_id, '{balance,profile}'::text[],
             encode(sha256(convert_to('bulk-refresh-' || user_id, 'UTF8')), 'hex'),
             encode(sha256(convert_to('bulk-refresh-' || user_id, 'UTF8')), 'hex'),
             now(), now() + interval '30 days'
      from new_grants`);
    progress.tick(to - from + 1);
  }
  progress.finish();
}

/**
 * The steady state a live database is in after bulk loads — fresh planner statistics, the
 * visibility map and hint bits set, dirty pages written — as autovacuum and the checkpointer
 * would leave it a little later. Without it they (or the first readers, setting hint bits)
 * would do that work inside the windows.
 */
export async function settle(database: Database): Promise<void> {
  const db: Db = database.db;
  await db.execute('vacuum (analyze) users, balances, grants, refresh_token_families, clients');
  // Needs superuser or pg_checkpoint: where the bench's role has neither, the windows may
  // include a checkpoint.
  await db.execute('checkpoint').catch(() => undefined);
}

export interface TableCounts {
  users: number;
  grants: number;
  refreshTokens: number;
}

export async function countRows(database: Database): Promise<TableCounts> {
  const db: Db = database.db;
  const result = (await db.execute(
    `select (select count(*) from users)::int as users, (select count(*) from grants)::int as grants,
            (select count(*) from refresh_token_families)::int as refresh_tokens`,
  )) as unknown;
  const row = firstRow<{ users: number; grants: number; refresh_tokens: number }>(result);
  return { users: Number(row.users), grants: Number(row.grants), refreshTokens: Number(row.refresh_tokens) };
}

/** postgres.js returns the rows as an array; PGlite as `{ rows }`. */
function firstRow<T>(result: unknown): T {
  const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
  const row = rows?.[0];
  if (!row) throw new Error('query returned no row');
  return row as T;
}
