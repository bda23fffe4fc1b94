/**
 * The Gatehouse half of a bench run: seeding, the stack process, and each scenario's window with
 * its CPU and memory sampling, in the order the report prints them (one file so the run reads as
 * its sequence).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisCache } from '@gatehouse/cache';
import { type CacheStores, DEFAULT_DATABASE_POOL_SIZE, type DurableStores } from '@gatehouse/core';
import { createDurableStores, type Database, type Db, migrateDatabase, openDatabase } from '@gatehouse/db';
import { type CpuProcesses, startCpuMeter } from '../cpu.js';
import type { Machine } from '../machine.js';
import { type BenchOptions, poolSizeFor, wants } from '../options.js';
import { type PgbenchCeiling, runCeiling } from '../pgbench.js';
import { readMemory, type ServerProcess } from '../processes.js';
import { type ProfileSummary, summariseProfile } from '../profile-summary.js';
import type { ProcessReport, Report } from '../report.js';
import type { ScenarioResult } from '../scenario.js';
import {
  browserFlow,
  codeExchange,
  type GatehouseTarget,
  introspect,
  refreshGrant,
  userinfo,
} from '../scenarios/gatehouse.js';
import { exchangeCodesOverHttp, mintCodesOverHttp } from './http-mint.js';
import { backendPids, benchDatabaseUrl, dropDatabase, recreateDatabase } from './postgres-admin.js';
import { flushBenchRedis, redisCommands, redisPid } from './redis.js';
import {
  countRows,
  seedAccessTokens,
  seedBase,
  seedCodes,
  seedLarge,
  seedRefreshPool,
  settle,
} from './seed.js';
import { type StackShape, startStack } from './stack.js';

export interface GatehouseOutcome {
  results: ScenarioResult[];
  processes: ProcessReport[];
  dataSets: Report['dataSets'];
  profiles: ProfileSummary[];
  failures: string[];
  ceiling: PgbenchCeiling | null;
}

const GATEHOUSE_IDS = ['code-exchange', 'refresh', 'userinfo', 'introspect', 'browser-flow'] as const;

export function wantsGatehouse(options: BenchOptions): boolean {
  return GATEHOUSE_IDS.some((id) => wants(options, id));
}

/** A human description of where the stack runs, for the report. */
export function describeShape(options: BenchOptions): string {
  return options.embedded
    ? 'embedded: one `node services/stack/dist/server.js` process (all three services) on PGlite (DATA_DIR in a temp dir) + in-memory cache'
    : `Postgres + Redis: one \`node services/stack/dist/server.js\` process (all three services) on database "${options.databaseName}" and Redis DB ${options.redisDb}`;
}

/** Seeds, starts the stack, runs scenarios 2–6 (and the large variant), stops and cleans up. */
export async function runGatehouse(
  options: BenchOptions,
  resultsDir: string,
  machine: Machine,
): Promise<GatehouseOutcome> {
  const outcome: GatehouseOutcome = {
    results: [],
    processes: [],
    dataSets: [],
    profiles: [],
    failures: [],
    ceiling: null,
  };
  const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisServer = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const dataDir = options.embedded ? mkdtempSync(join(tmpdir(), 'gatehouse-bench-')) : null;
  let shape: StackShape;
  if (dataDir) {
    shape = { kind: 'embedded', dataDir };
  } else {
    const redisUrl = new URL(redisServer);
    redisUrl.pathname = `/${options.redisDb}`;
    shape = {
      kind: 'postgres',
      databaseUrl: benchDatabaseUrl(serverUrl, options.databaseName),
      redisUrl: redisUrl.toString(),
    };
  }

  let database: Database | null = null;
  let cache: CacheStores | null = null;
  // A holder, not a `let`: the scenarios assign it from inside closures.
  const live: { shared: ServerProcess | null } = { shared: null };
  try {
    process.stderr.write(`Seeding Gatehouse (${shape.kind}) — outside the timed windows\n`);
    if (shape.kind === 'postgres') {
      await recreateDatabase(serverUrl, options.databaseName);
      await flushBenchRedis(shape.redisUrl);
      cache = await createRedisCache({ url: shape.redisUrl });
      const [info] = (await redisCommands(shape.redisUrl, [['INFO', 'server']])) as [string];
      machine.redis = /redis_version:(\S+)/.exec(info)?.[1];
    }
    database = await openSeedingDatabase(shape);
    if (shape.kind === 'postgres') {
      const version = firstValue(await (database.db as Db).execute('select version() as v'));
      machine.postgres = String(version).split(' on ')[0];
      machine.postgresDurability = await durabilityOf(database.db as Db);
    }
    const stores: DurableStores = createDurableStores(database);
    const seed = await seedBase(stores, options.users);
    const poolSize = poolSizeFor(options);
    const refreshPool = wants(options, 'refresh')
      ? await seedRefreshPool(database, seed, poolSize, 'refresh tokens (pool)')
      : [];
    await settle(database);
    outcome.dataSets.push({ label: 'small data', ...(await countRows(database)) });
    if (shape.kind === 'embedded') {
      // PGlite allows one process per directory: the stack opens it next.
      await database.close();
      database = null;
    }

    // --- the stack process (one for the run; one per scenario when profiling) ---
    const accessTokensByStack = new Map<ServerProcess, string[]>();
    let seededAccessTokens: string[] | null = null;
    const accessTokens = async (stack: ServerProcess): Promise<string[]> => {
      if (shape.kind === 'postgres') {
        seededAccessTokens ??= await seedAccessTokens(cache!, seed, 'access tokens');
        return seededAccessTokens;
      }
      let tokens = accessTokensByStack.get(stack);
      if (!tokens) {
        const codes = await mintCodesOverHttp(
          stack.origin,
          seed,
          seed.users.length,
          'codes for access tokens (HTTP)',
        );
        tokens = await exchangeCodesOverHttp(stack.origin, seed, codes, 'access tokens (HTTP exchange)');
        accessTokensByStack.set(stack, tokens);
      }
      return tokens;
    };
    const codes = (stack: ServerProcess, count: number) =>
      shape.kind === 'postgres'
        ? seedCodes(cache!, seed, count, 'authorization codes (Redis)')
        : mintCodesOverHttp(stack.origin, seed, count, 'authorization codes (HTTP)');

    const remember = (stack: ServerProcess, label: string) => {
      const memory = readMemory(stack.pid);
      outcome.processes.push({
        name: label,
        rssAfterMb: memory?.rssMb ?? null,
        hwmMb: memory?.hwmMb ?? null,
      });
    };

    /** Set when the shared stack could not start: the remaining scenarios are skipped. */
    let startFailure: string | null = null;
    /** Runs one scenario on the stack; a failing scenario is recorded and the others still run. */
    const scenario = async (
      id: string,
      body: (target: GatehouseTarget) => Promise<ScenarioResult | ScenarioResult[]>,
    ) => {
      let stack: ServerProcess | null = null;
      if (startFailure) {
        outcome.failures.push(`${id}: not run, the stack did not start`);
        return;
      }
      try {
        if (options.profile) {
          stack = await startStack({
            shape,
            profile: { dir: resultsDir, name: `gatehouse-${id}.cpuprofile` },
            extraEnv: options.stackEnv,
          });
        } else {
          live.shared ??= await startStack({ shape, extraEnv: options.stackEnv }).catch((error: Error) => {
            startFailure = error.message;
            throw error;
          });
          stack = live.shared;
        }
        const result = await body({ options, stack, seed, cpu: await serverSide(stack, shape) });
        outcome.results.push(...(Array.isArray(result) ? result : [result]));
      } catch (error) {
        const message = `${id}: ${(error as Error).message}`;
        outcome.failures.push(message);
        process.stderr.write(`  ✗ ${message}\n`);
        if (stack)
          process.stderr.write(
            `  last stack output:\n${indent(stack.logs().split('\n').slice(-15).join('\n'))}\n`,
          );
      } finally {
        if (options.profile && stack) {
          remember(stack, `gatehouse stack (${id}, profiled)`);
          await stack.stop();
          const file = join(resultsDir, `gatehouse-${id}.cpuprofile`);
          if (existsSync(file)) outcome.profiles.push(summariseProfile(file, id));
        }
      }
    };

    if (wants(options, 'code-exchange')) {
      await scenario('code-exchange', async (t) => codeExchange(t, await codes(t.stack, poolSize)));
    }
    if (wants(options, 'refresh')) {
      await scenario('refresh', (t) => refreshGrant(t, refreshPool, 'small'));
    }
    if (wants(options, 'userinfo')) {
      await scenario('userinfo', async (t) => userinfo(t, await accessTokens(t.stack), 'small'));
    }
    if (wants(options, 'introspect')) {
      await scenario('introspect', async (t) => introspect(t, await accessTokens(t.stack)));
    }
    if (wants(options, 'browser-flow')) {
      await scenario('browser-flow', (t) => browserFlow(t));
    }

    // --- the database's own ceiling for the refresh rotation (after the small-data windows) ---
    if (wants(options, 'refresh') && shape.kind === 'postgres' && database) {
      const databaseUrl = shape.databaseUrl;
      const user = seed.users[0]!;
      process.stderr.write('▶ pgbench: the refresh rotation statement alone\n');
      try {
        outcome.ceiling = await runCeiling({
          database,
          databaseUrl,
          clientId: seed.client.id,
          userId: user.id,
          clients: Number(options.stackEnv.DATABASE_POOL_SIZE ?? DEFAULT_DATABASE_POOL_SIZE),
          seconds: Math.max(1, Math.round(options.duration)),
          loadAtStart: () => loadavg()[0] ?? 0,
          measureCpu: async (run) => {
            const meter = await startCpuMeter(
              async () =>
                (await backendPids(databaseUrl, 'pgbench')).map((pid) => ({ part: 'postgres', pid })),
              250,
            );
            const result = await run();
            return { result, cpuUs: (await meter.stop()).totalUs };
          },
        });
        const c = outcome.ceiling;
        process.stderr.write(
          `  ${Math.round(c.tps).toLocaleString('en-US')} rotations/s   Postgres CPU ${c.postgresCpuUsPerTx === null ? '—' : Math.round(c.postgresCpuUsPerTx).toLocaleString('en-US')} µs each   failed ${c.failed}\n`,
        );
        if (c.failed > 0) outcome.failures.push(`pgbench: ${c.failed} failed transactions`);
      } catch (error) {
        outcome.failures.push(`pgbench ceiling: ${(error as Error).message}`);
        process.stderr.write(`  ✗ pgbench ceiling: ${(error as Error).message}\n`);
      }
    }

    // --- the large-data variant: a thousand times more stored rows, same hot users ---
    if (options.large && (wants(options, 'refresh') || wants(options, 'userinfo'))) {
      process.stderr.write(
        `Seeding the large-data variant (${options.largeRows.toLocaleString('en-US')} rows)\n`,
      );
      // A fresh stack for the large data, so the two variants differ in their data only and not
      // in what the process went through before (the browser flow's argon2id, the heap after
      // the small-data windows); embedded, PGlite also allows one process per directory.
      if (live.shared) {
        remember(live.shared, 'gatehouse stack (small data)');
        await live.shared.stop();
        live.shared = null;
      }
      database ??= await openSeedingDatabase(shape);
      await seedLarge(database, seed, options.largeRows);
      const largePool = wants(options, 'refresh')
        ? await seedRefreshPool(database, seed, poolSize, 'refresh tokens (large pool)')
        : [];
      await settle(database);
      outcome.dataSets.push({ label: 'large data', ...(await countRows(database)) });
      if (shape.kind === 'embedded') {
        await database.close();
        database = null;
      }
      if (wants(options, 'refresh')) {
        await scenario('refresh-large', (t) => refreshGrant(t, largePool, 'large'));
      }
      if (wants(options, 'userinfo')) {
        await scenario('userinfo-large', async (t) => userinfo(t, await accessTokens(t.stack), 'large'));
      }
    }
    return outcome;
  } catch (error) {
    outcome.failures.push(`gatehouse: ${(error as Error).stack ?? String(error)}`);
    process.stderr.write(`  ✗ gatehouse: ${(error as Error).message}\n`);
    return outcome;
  } finally {
    if (live.shared) {
      const memory = readMemory(live.shared.pid);
      outcome.processes.push({
        name: shape.kind === 'embedded' && options.large ? 'gatehouse stack (large data)' : 'gatehouse stack',
        rssAfterMb: memory?.rssMb ?? null,
        hwmMb: memory?.hwmMb ?? null,
      });
      const stopped = await live.shared.stop();
      if (stopped.killed)
        outcome.failures.push('gatehouse stack did not stop on SIGTERM within 15 s (killed)');
    }
    await cache?.close().catch(() => {});
    await database?.close().catch(() => {});
    if (!options.keepData) {
      if (shape.kind === 'postgres') {
        await dropDatabase(serverUrl, options.databaseName).catch((error: Error) =>
          outcome.failures.push(`could not drop the bench database: ${error.message}`),
        );
        await flushBenchRedis(shape.redisUrl).catch((error: Error) =>
          outcome.failures.push(`could not flush the bench Redis DB: ${error.message}`),
        );
      } else if (dataDir) {
        rmSync(dataDir, { recursive: true, force: true });
      }
    } else {
      process.stderr.write(
        `Kept the data: ${shape.kind === 'postgres' ? `${shape.databaseUrl} and ${shape.redisUrl}` : shape.dataDir}\n`,
      );
    }
  }
}

/**
 * Whose CPU a Gatehouse request costs: the stack process and, on real stores, every Postgres
 * backend of the bench database and the Redis server (embedded, both live inside the stack).
 */
async function serverSide(stack: ServerProcess, shape: StackShape): Promise<CpuProcesses> {
  if (shape.kind === 'embedded') return async () => [{ part: 'stack', pid: stack.pid }];
  const redis = await redisPid(shape.redisUrl);
  return async () => [
    { part: 'stack', pid: stack.pid },
    ...(await backendPids(shape.databaseUrl)).map((pid) => ({ part: 'postgres', pid })),
    ...(redis === null ? [] : [{ part: 'redis', pid: redis }]),
  ];
}

/** Gatehouse's side of the durability comparison with the durable peer, as configured on this server. */
async function durabilityOf(db: Db): Promise<string> {
  const settings: string[] = [];
  for (const name of ['synchronous_commit', 'fsync', 'wal_sync_method']) {
    settings.push(`${name}=${String(firstValue(await db.execute(`show ${name}`)))}`);
  }
  return settings.join(', ');
}

async function openSeedingDatabase(shape: StackShape): Promise<Database> {
  const database = await openDatabase(
    shape.kind === 'postgres'
      ? { databaseUrl: shape.databaseUrl, dataDir: '' }
      : { databaseUrl: null, dataDir: shape.dataDir },
  );
  await migrateDatabase(database);
  return database;
}

function firstValue(result: unknown): unknown {
  const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
  const row = rows?.[0] as Record<string, unknown> | undefined;
  return row ? Object.values(row)[0] : undefined;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
