import type { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor } from '@gatehouse/core';
import type postgres from 'postgres';
import type { Database } from './connection.js';

/**
 * Raw SQL on the pool the stores use, for libraries that bring their own statements (the
 * job queue). A text without parameters may hold several statements, `BEGIN … COMMIT`
 * included: postgres.js runs those on a reserved connection (it refuses a transaction on a
 * shared one), PGlite with `exec`.
 */
export function sqlExecutorOf(database: Database): SqlExecutor {
  if (database.kind === 'pglite') {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    return {
      async executeSql(text, values) {
        if (!values || values.length === 0) {
          const results = await client.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        }
        const result = await client.query(text, values.map(nullForUndefined));
        return { rows: result.rows };
      },
    };
  }
  // Drizzle keeps the driver's client on the handle as `$client`.
  const client = (database.db as unknown as { $client: postgres.Sql }).$client;
  return {
    async executeSql(text, values) {
      if (!values || values.length === 0) {
        const reserved = await client.reserve();
        try {
          return { rows: lastResult(await reserved.unsafe(text, [], { prepare: false })) };
        } finally {
          reserved.release();
        }
      }
      // Not prepared: the queue's statements vary (e.g. by batch size) and run seldom.
      return { rows: [...(await client.unsafe(text, params(values), { prepare: false }))] };
    },
  };
}

/**
 * The executor of an open Drizzle transaction of either driver: what it runs commits or
 * rolls back with the transaction. Drizzle keeps the driver's transaction client on the
 * session; both drivers name it `client`.
 */
export function transactionExecutor(tx: unknown): SqlExecutor {
  const client = (tx as { session?: { client?: unknown } }).session?.client as
    | { query(text: string, values: unknown[]): Promise<{ rows: unknown[] }> }
    | postgres.TransactionSql
    | undefined;
  if (!client) throw new Error('not a Drizzle transaction');
  if ('unsafe' in client) {
    return {
      async executeSql(text, values) {
        return { rows: [...(await client.unsafe(text, params(values ?? []), { prepare: false }))] };
      },
    };
  }
  return {
    async executeSql(text, values) {
      return { rows: (await client.query(text, (values ?? []).map(nullForUndefined))).rows };
    },
  };
}

function nullForUndefined(value: unknown): unknown {
  return value === undefined ? null : value;
}

/**
 * As `pg` sends them, which is what the queue's statements expect: a plain object as its
 * JSON text (Drizzle's postgres.js client has no JSON serializer for untyped parameters).
 */
function params(values: unknown[]): postgres.ParameterOrJSON<never>[] {
  return values.map((value) => {
    if (value === undefined || value === null) return null;
    if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !(value instanceof Date) &&
      !Buffer.isBuffer(value)
    ) {
      return JSON.stringify(value);
    }
    return value;
  }) as postgres.ParameterOrJSON<never>[];
}

function lastResult(result: unknown): unknown[] {
  const list = result as unknown[];
  // Several statements give one result per statement.
  return Array.isArray(list[0]) ? [...(list.at(-1) as unknown[])] : [...list];
}
