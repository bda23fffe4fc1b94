// The database's own ceiling for the refresh grant: Debian's pgbench running the refresh store's
// rotation statement — its exact text, captured from the store — on the bench database, with the
// stack's number of Postgres connections, prepared, for as long as a window. One file: capturing
// the statement, mapping its parameters and reading pgbench's answer only make sense together.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomToken, sha256Hex, TOKEN_PREFIX } from '@gatehouse/core';
import { mintNewFamilyToken, readRefreshToken } from '@gatehouse/core/token';
import { createDurableStores, type Database } from '@gatehouse/db';
import type postgres from 'postgres';

export interface PgbenchCeiling {
  /** `pgbench --version`. */
  version: string;
  clients: number;
  threads: number;
  seconds: number;
  /** Rotations per second (pgbench's tps, without connection time). */
  tps: number;
  transactions: number;
  failed: number;
  /** Postgres CPU (every backend of the bench database) per rotation, µs; null when not measured. */
  postgresCpuUsPerTx: number | null;
  /** The refresh scenario's req/s of the same run, and its fraction of `tps`. */
  refreshRps: number | null;
  fraction: number | null;
  loadAtStart: number;
  /** The statement as the store sends it (with $n parameters). */
  statement: string;
  /** The pgbench script run. */
  script: string;
  /** How the script makes every transaction a real, successful rotation. */
  design: string;
}

/** pgbench on PATH, else the newest /usr/lib/postgresql/<v>/bin/pgbench (Debian puts it there). */
export function findPgbench(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'pgbench'))) return join(dir, 'pgbench');
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pgbench')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin', 'pgbench') : null;
}

export interface PgbenchOutput {
  tps: number;
  transactions: number;
  failed: number;
  latencyMs: number | null;
}

/** Reads pgbench's summary (versions 13–17 print `tps = … (without initial connection time)`). */
export function parsePgbenchOutput(text: string): PgbenchOutput {
  const tps =
    /^tps = ([\d.]+) \(without initial connection time\)/m.exec(text)?.[1] ??
    /^tps = ([\d.]+) \(excluding connections establishing\)/m.exec(text)?.[1];
  const transactions = /^number of transactions actually processed: (\d+)/m.exec(text)?.[1];
  if (tps === undefined || transactions === undefined) {
    throw new Error(`pgbench printed no summary:\n${text.slice(-2000)}`);
  }
  const failed = /^number of failed transactions: (\d+)/m.exec(text)?.[1];
  const latency = /^latency average = ([\d.]+) ms/m.exec(text)?.[1];
  return {
    tps: Number(tps),
    transactions: Number(transactions),
    failed: failed === undefined ? 0 : Number(failed),
    latencyMs: latency === undefined ? null : Number(latency),
  };
}

/** The ceiling with the refresh figure of the same run beside it. */
export function withRefresh(ceiling: PgbenchCeiling, refreshRps: number | null): PgbenchCeiling {
  return {
    ...ceiling,
    refreshRps,
    fraction: refreshRps !== null && ceiling.tps > 0 ? refreshRps / ceiling.tps : null,
  };
}

/**
 * What each parameter of the rotation statement becomes in the script, by the column it is
 * compared with or assigned to. The script's variables: `r_*` are the family row as the last
 * rotation returned it (`\gset r_`), so each transaction presents the token the previous one
 * made current; `now`, `client` and `scopes` are fixed for the run (`-D`).
 */
const SET_PARAMETERS: Record<string, string> = {
  // The successor: the hash the row held before the last rotation (two hashes alternate).
  token_hash: ':r_previous_hash',
  key_hash: ':r_key_hash',
  rotated_at: ':now',
};
const WHERE_PARAMETERS: Record<string, string> = {
  id: ':r_id',
  generation: ':r_generation',
  token_hash: ':r_token_hash',
  client_id: ':client',
  expires_at: ':now',
  scopes: ':scopes',
  // The user-is-active subquery's `users.status = 'active'`.
  status: ':active',
};

/**
 * The rotation statement with its `$n` parameters replaced by pgbench variables, or an error
 * naming what it does not recognise (the store's statement changed: this mapping must follow).
 */
export function scriptStatement(statement: string): string {
  const whereAt = statement.search(/\swhere\s/i);
  if (!/^update\s+"refresh_token_families"\s+set\s/i.test(statement) || whereAt < 0) {
    throw new Error(`not the rotation statement: ${statement.slice(0, 120)}`);
  }
  const seen = new Set<number>();
  const replaced = statement.replace(
    /"(\w+)"\s*(=|>|@>)\s*\$(\d+)(::[\w[\]]+)?/g,
    (_match, column: string, operator: string, index: string, cast: string | undefined, offset: number) => {
      const table = offset < whereAt ? SET_PARAMETERS : WHERE_PARAMETERS;
      const variable = table[column];
      if (!variable)
        throw new Error(`rotation statement: no pgbench variable for "${column}" ${operator} $${index}`);
      seen.add(Number(index));
      return `"${column}" ${operator} ${variable}${cast ?? ''}`;
    },
  );
  const left = /\$(\d+)/.exec(replaced);
  if (left) throw new Error(`rotation statement: parameter $${left[1]} is not compared with a known column`);
  if (seen.size === 0) throw new Error('rotation statement: no parameters found');
  return replaced;
}

/** The script: the first transaction of each client finds its family; every one after rotates it. */
export function pgbenchScript(statement: string, pickTable: string): string {
  return [
    "-- First transaction of each client: its own family, from the harness's pick (one row per client).",
    '\\if :r_generation = 0',
    `SELECT family_id AS r_id FROM ${pickTable} WHERE client = :client_id;`,
    '\\gset',
    '\\endif',
    "-- The refresh store's rotation statement, verbatim but for its parameters.",
    `${scriptStatement(statement)};`,
    '\\gset r_',
    '',
  ].join('\n');
}

/**
 * The statement the refresh store sends for a rotation, captured from postgres.js while the
 * store rotates a family made for the purpose (so the bench never carries a copy of it).
 */
export async function captureRotationStatement(
  database: Database,
  clientId: number,
  userId: number,
): Promise<string> {
  if (database.kind !== 'postgres') throw new Error('pgbench needs Postgres');
  const client = clientOf(database);
  const seen: string[] = [];
  const previous = client.options.debug;
  client.options.debug = (_connection: number, query: string) => {
    seen.push(query);
  };
  try {
    const stores = createDurableStores(database);
    const first = mintNewFamilyToken();
    const stored = await stores.refreshTokens.createForActiveUser({
      familyId: first.familyId,
      tokenHash: first.hash,
      keyHash: first.keyHash,
      clientId,
      userId,
      scopes: ['profile'],
      expiresAt: new Date(Date.now() + 3600_000),
    });
    if (!stored) throw new Error(`the capture family was not stored (user ${userId} not active?)`);
    const result = await stores.refreshTokens.rotate({
      presented: readRefreshToken(first.value),
      familyId: first.familyId,
      generation: 0,
      clientId,
      nextHash: sha256Hex(randomToken(TOKEN_PREFIX.refreshToken)),
      keyHash: first.keyHash,
      requestedScopes: [],
      now: new Date(),
    });
    if (result.kind !== 'rotated') throw new Error(`the capture rotation was refused (${result.reason})`);
  } finally {
    client.options.debug = previous;
  }
  const statement = seen.find((query) => /^update\s+"refresh_token_families"/i.test(query));
  if (!statement) throw new Error('no rotation statement seen from the refresh store');
  return statement;
}

export const PICK_TABLE = 'bench_pgbench_families';

export interface CeilingRun {
  database: Database;
  databaseUrl: string;
  clientId: number;
  userId: number;
  /** Connections (the stack's Postgres pool). */
  clients: number;
  seconds: number;
  /** Measures the bench database's backends during the run; µs of CPU in total. */
  measureCpu: <T>(run: () => Promise<T>) => Promise<{ result: T; cpuUs: number | null }>;
  loadAtStart: () => number;
}

/**
 * Takes `clients` random live families of the bench client (the seeded refresh pool), gives each
 * a known current token hash (A), predecessor hash (B) and generation 0 — same widths as real
 * hashes, so the rotations stay HOT exactly like the stack's — and runs pgbench on them: each
 * client owns one family and rotates it A→B→A…, every transaction a real successful rotation.
 */
export async function runCeiling(run: CeilingRun): Promise<PgbenchCeiling> {
  const binary = findPgbench();
  if (!binary) throw new Error('pgbench not found (Debian: it comes with the postgresql-<v> package)');
  if (run.database.kind !== 'postgres') throw new Error('pgbench needs Postgres');
  const statement = await captureRotationStatement(run.database, run.clientId, run.userId);
  const sql = clientOf(run.database);
  const hashA = sha256Hex('bench-pgbench-A');
  const hashB = sha256Hex('bench-pgbench-B');
  const keyHash = sha256Hex('bench-pgbench-key');
  await sql.unsafe(`drop table if exists ${PICK_TABLE}`);
  await sql.unsafe(`create table ${PICK_TABLE} (client integer primary key, family_id text not null)`);
  const picked = await sql.unsafe(
    `insert into ${PICK_TABLE} (client, family_id)
       select row_number() over () - 1, id from (
         select id from refresh_token_families
          where client_id = $1 and revoked_at is null and expires_at > now()
          order by random() limit $2) chosen
     returning family_id`,
    [run.clientId, run.clients],
  );
  if (picked.length < run.clients)
    throw new Error(`only ${picked.length} live families for ${run.clients} clients`);
  await sql.unsafe(
    `update refresh_token_families f set token_hash = $1, previous_hash = $2, generation = 0, key_hash = $3
       from ${PICK_TABLE} p where f.id = p.family_id`,
    [hashA, hashB, keyHash],
  );
  await sql.unsafe(`vacuum (analyze) ${PICK_TABLE}`);

  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-pgbench-'));
  try {
    const script = pgbenchScript(statement, PICK_TABLE);
    const file = join(dir, 'rotation.sql');
    writeFileSync(file, script);
    const url = new URL(run.databaseUrl);
    const threads = Math.min(2, run.clients);
    const now = new Date().toISOString();
    const args = [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(run.clients),
      '-j',
      String(threads),
      '-T',
      String(run.seconds),
      '-f',
      file,
      '-D',
      'r_generation=0',
      '-D',
      `r_token_hash=${hashA}`,
      '-D',
      `r_previous_hash=${hashB}`,
      '-D',
      `r_key_hash=${keyHash}`,
      '-D',
      `client=${run.clientId}`,
      '-D',
      `now=${now}`,
      '-D',
      'scopes={}',
      '-D',
      'active=active',
      '-h',
      url.hostname || '127.0.0.1',
      '-p',
      url.port || '5432',
      '-U',
      decodeURIComponent(url.username || 'postgres'),
      url.pathname.slice(1),
    ];
    const env = { ...process.env, ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}) };
    const version = (await exec(binary, ['--version'], env)).trim();
    const loadAtStart = run.loadAtStart();
    const { result: output, cpuUs } = await run.measureCpu(() => exec(binary, args, env));
    const parsed = parsePgbenchOutput(output);
    const rows = await sql.unsafe(
      `select min(f.generation) as min, max(f.generation) as max from refresh_token_families f join ${PICK_TABLE} p on f.id = p.family_id`,
    );
    if (parsed.transactions > 0 && Number(rows[0]?.min ?? 0) === 0)
      throw new Error('pgbench ran, but some picked family never rotated');
    return {
      version,
      clients: run.clients,
      threads,
      seconds: run.seconds,
      tps: parsed.tps,
      transactions: parsed.transactions,
      failed: parsed.failed,
      postgresCpuUsPerTx: cpuUs === null || parsed.transactions === 0 ? null : cpuUs / parsed.transactions,
      refreshRps: null,
      fraction: null,
      loadAtStart,
      statement,
      script,
      design: `Each of the ${run.clients} pgbench clients owns one family picked at random from the seeded refresh pool (\`${PICK_TABLE}\`, client → family, looked up once per client) and rotates it over and over with the store's statement: the harness sets the picked rows to a known current hash A, predecessor B and generation 0; each rotation presents the row as the previous one returned it (\`\\gset r_\`: id, generation, current hash) and installs the predecessor hash as the successor, so A and B alternate, every transaction is a successful rotation (a refused one would return no row and fail the client), the row keeps its width and the update stays HOT. \`now\` (${now}), the client id, the requested scopes (\`{}\`, as the refresh scenario asks for none) and the user status the statement requires (\`active\`) are fixed for the run.`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sql.unsafe(`drop table if exists ${PICK_TABLE}`).catch(() => {});
  }
}

/** The postgres.js client under a Postgres handle (Drizzle keeps it as `$client`). */
function clientOf(database: Database): postgres.Sql {
  return (database.db as unknown as { $client: postgres.Sql }).$client;
}

function exec(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} failed: ${error.message}\n${stderr.slice(-2000)}`));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
}
