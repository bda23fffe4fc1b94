import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { DEFAULT_DATABASE_POOL_SIZE, StoreUnavailableError } from '@gatehouse/core';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite, type PgliteDatabase } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { toStoreError } from './errors.js';

/** The driver-independent Drizzle handle every store is written against. */
export type Db = PgDatabase<PgQueryResultHKT>;

interface DatabaseHandle<K extends string, D extends Db> {
  readonly kind: K;
  readonly db: D;
  /** Throws `StoreUnavailableError` when the database does not answer. */
  ping(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

export type PostgresDatabase = DatabaseHandle<'postgres', PostgresJsDatabase>;
export type PgliteDatabaseHandle = DatabaseHandle<'pglite', PgliteDatabase>;
export type Database = PostgresDatabase | PgliteDatabaseHandle;

/**
 * Where each Postgres handle connects, for migrations (which want their own
 * single connection). Not a property: the URL may hold a password and handles get logged.
 */
const postgresUrls = new WeakMap<PostgresDatabase, string>();

export function postgresUrlOf(database: PostgresDatabase): string {
  const url = postgresUrls.get(database);
  if (url === undefined) throw new Error('not a database opened by openDatabase');
  return url;
}

export interface OpenDatabaseOptions {
  /** Postgres URL; null or empty → embedded PGlite under `dataDir`. */
  databaseUrl?: string | null;
  /** PGlite data directory (created when missing). Ignored when `databaseUrl` is set. */
  dataDir: string;
  /** Postgres connections per process (DATABASE_POOL_SIZE). */
  poolSize?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? DEFAULT_DATABASE_POOL_SIZE)
    : openPglite(options.dataDir);
}

/** A postgres.js client as every Gatehouse connection wants it. */
export function connectPostgres(url: string, max = DEFAULT_DATABASE_POOL_SIZE): postgres.Sql {
  return preparedUnsafe(
    postgres(url, {
      max,
      prepare: true,
      // Fail closed soon when the server is unreachable, instead of after postgres.js's default 30 s.
      connect_timeout: 10,
      // `CREATE … IF NOT EXISTS` notices would otherwise be printed to stdout.
      onnotice: () => {},
    }),
  );
}

/**
 * Drizzle sends every query through `sql.unsafe`, which postgres.js never prepares
 * whatever the client's `prepare` option says: the server parsed and planned each
 * statement anew. The refresh rotation in pgbench here: 3,050 statements/s unprepared,
 * 9,130 prepared. Now prepared by query text on each connection, as postgres.js does for
 * its own tagged queries; Gatehouse's query texts are a fixed set, so the cache is bounded.
 */
function preparedUnsafe(sql: postgres.Sql): postgres.Sql {
  const unsafe = sql.unsafe;
  sql.unsafe = ((query: string, args?: unknown[], options?: postgres.UnsafeQueryOptions) =>
    unsafe(query, args as postgres.ParameterOrJSON<never>[] | undefined, {
      prepare: true,
      ...options,
    })) as typeof sql.unsafe;
  return sql;
}

function openPostgres(url: string, poolSize: number): PostgresDatabase {
  const client = connectPostgres(url, poolSize);
  const db = drizzlePostgres({ client });
  let closing: Promise<void> | undefined;
  const handle: PostgresDatabase = {
    kind: 'postgres',
    db,
    ping: () => ping(db),
    close: () => {
      closing ??= client.end({ timeout: 5 });
      return closing;
    },
  };
  postgresUrls.set(handle, url);
  return handle;
}

export async function openPglite(
  dataDir: string,
  options: { relaxedDurability?: boolean } = {},
): Promise<PgliteDatabaseHandle> {
  await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, options);
  const db = drizzlePglite({ client });
  let closing: Promise<void> | undefined;
  const handle: PgliteDatabaseHandle = {
    kind: 'pglite',
    db,
    ping: () => ping(db),
    close: () => {
      closing ??= client.closed ? Promise.resolve() : client.close();
      return closing;
    },
  };
  return handle;
}

async function ping(db: Db): Promise<void> {
  try {
    await db.execute(sql`select 1`);
  } catch (error) {
    // Whatever the reason, a database that cannot answer `select 1` is not ready.
    const mapped = toStoreError(error);
    throw mapped instanceof StoreUnavailableError
      ? mapped
      : new StoreUnavailableError('database', { cause: mapped });
  }
}
