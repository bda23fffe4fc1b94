/** Command-line flags of `pnpm bench -- …` (root) or `node dist/main.js …` (here). */
export interface BenchOptions {
  /** Seconds per timed window. */
  duration: number;
  /** Seconds of untimed load before each window (JIT, pools, caches). */
  warmup: number;
  connections: number;
  /** Concurrent browsers in the whole-flow scenario. */
  flowLoops: number;
  /** Users seeded for the token, userinfo and browser-flow scenarios. */
  users: number;
  /** Single-use credentials (codes, refresh tokens) seeded per second of load. */
  poolRate: number;
  /** Fixed pool size instead of poolRate × seconds (the smoke run's "few hundred"). */
  poolSize: number | null;
  /** Rows per table in the large-data variant. */
  largeRows: number;
  smoke: boolean;
  large: boolean;
  embedded: boolean;
  profile: boolean;
  /** Keep the bench database and Redis DB after the run (for inspection). */
  keepData: boolean;
  /** Scenario ids to run (all when empty). */
  only: string[];
  /** Redis logical database the bench owns and flushes. */
  redisDb: number;
  /** Name of the Postgres database the bench creates and drops. */
  databaseName: string;
  /** Configuration variables for the Gatehouse stack (`--stack-env NAME=VALUE`, repeatable). */
  stackEnv: Record<string, string>;
}

export const SCENARIO_IDS = [
  'baseline',
  'peer-refresh',
  'peer-userinfo',
  'peer-durable-refresh',
  'peer-durable-userinfo',
  'code-exchange',
  'refresh',
  'userinfo',
  'introspect',
  'browser-flow',
] as const;

const HELP = `pnpm bench [-- flags]      (or: node bench/dist/main.js [flags])

  --duration <s>       seconds per timed window (default 10; --smoke: 2)
  --connections <n>    concurrent connections per scenario (default 50)
  --warmup <s>         untimed load before each window (default 1; --smoke: 0.5)
  --flow-loops <n>     concurrent browsers in the browser-flow scenario (default 10)
  --users <n>          seeded users (default 1000; --smoke: 10)
  --pool-rate <n>      single-use codes/refresh tokens seeded per second of load
                       (default 12000 on Postgres + Redis, 3000 embedded)
  --pool-size <n>      a fixed pool size instead (--smoke: 400)
  --large              also run refresh and userinfo with 1,000,000 stored rows
  --large-rows <n>     rows for --large (default 1000000)
  --embedded           PGlite + in-memory cache instead of Postgres + Redis
  --smoke              2 s per scenario, tiny seed, no large variant (what CI runs)
  --profile            run the stack under --cpu-prof, one .cpuprofile per scenario in bench/results/
  --only <ids>         comma-separated subset: ${SCENARIO_IDS.join(', ')}
  --redis-db <n>       Redis logical DB the bench owns and flushes (default 15)
  --database <name>    Postgres database the bench creates and drops (default gatehouse_bench)
  --keep-data          keep that database and Redis DB afterwards
  --stack-env <N=V>    a configuration variable for the Gatehouse stack, e.g.
                       DATABASE_POOL_SIZE=8 (repeatable; README's configuration table)
  --help               this text

Environment: DATABASE_URL and REDIS_URL name the servers (their database name and DB index
are replaced by the bench's own); defaults postgres://postgres@127.0.0.1:5432 and
redis://127.0.0.1:6379.`;

export function parseOptions(argv: string[]): BenchOptions {
  const flags = new Map<string, string | true>();
  const stackEnv: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--stack-env' || arg.startsWith('--stack-env=')) {
      const value = arg === '--stack-env' ? argv[++i] : arg.slice('--stack-env='.length);
      const match = value === undefined ? null : /^([A-Z][A-Z0-9_]*)=(.*)$/s.exec(value);
      if (!match) throw new UsageError('--stack-env needs NAME=VALUE, e.g. DATABASE_POOL_SIZE=8');
      stackEnv[match[1]!] = match[2]!;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const name = arg.slice(2);
    const next = argv[i + 1];
    if (VALUE_FLAGS.has(name)) {
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, next);
      i++;
    } else {
      flags.set(name, true);
    }
  }
  for (const name of flags.keys()) {
    if (!VALUE_FLAGS.has(name) && !BOOLEAN_FLAGS.has(name)) throw new UsageError(`unknown flag --${name}`);
  }
  if (flags.has('help')) {
    console.log(HELP);
    process.exit(0);
  }

  const smoke = flags.has('smoke');
  const embedded = flags.has('embedded');
  const only = flags.has('only')
    ? String(flags.get('only'))
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  for (const id of only) {
    if (!(SCENARIO_IDS as readonly string[]).includes(id))
      throw new UsageError(`--only: unknown scenario "${id}"`);
  }
  const options: BenchOptions = {
    duration: number(flags, 'duration', smoke ? 2 : 10, 0.5),
    warmup: number(flags, 'warmup', smoke ? 0.5 : 1, 0),
    connections: integer(flags, 'connections', 50, 1),
    flowLoops: integer(flags, 'flow-loops', 10, 1),
    users: integer(flags, 'users', smoke ? 10 : 1000, 1),
    poolRate: integer(flags, 'pool-rate', embedded ? 3000 : 12000, 1),
    poolSize: flags.has('pool-size') ? integer(flags, 'pool-size', 0, 1) : smoke ? 400 : null,
    largeRows: integer(flags, 'large-rows', 1_000_000, 1),
    smoke,
    large: flags.has('large') && !smoke,
    embedded,
    profile: flags.has('profile'),
    keepData: flags.has('keep-data'),
    only,
    redisDb: integer(flags, 'redis-db', 15, 0),
    databaseName: String(flags.get('database') ?? 'gatehouse_bench'),
    stackEnv,
  };
  if (!/^[a-z_][a-z0-9_]*$/.test(options.databaseName)) {
    throw new UsageError('--database must be a plain lower-case identifier');
  }
  if (flags.has('large') && smoke) console.warn('--smoke skips the large variant; ignoring --large');
  return options;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const VALUE_FLAGS = new Set([
  'duration',
  'connections',
  'warmup',
  'flow-loops',
  'users',
  'pool-rate',
  'pool-size',
  'large-rows',
  'only',
  'redis-db',
  'database',
]);
const BOOLEAN_FLAGS = new Set(['smoke', 'large', 'embedded', 'profile', 'keep-data', 'help']);

function number(flags: Map<string, string | true>, name: string, fallback: number, min: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new UsageError(`--${name} must be a number ≥ ${min}`);
  return value;
}

function integer(flags: Map<string, string | true>, name: string, fallback: number, min: number): number {
  const value = number(flags, name, fallback, min);
  if (!Number.isInteger(value)) throw new UsageError(`--${name} must be a whole number`);
  return value;
}

export function wants(options: BenchOptions, id: (typeof SCENARIO_IDS)[number]): boolean {
  return options.only.length === 0 || options.only.includes(id);
}

/** How many single-use credentials a scenario needs: its warm-up and window at `poolRate`, plus slack. */
export function poolSizeFor(options: BenchOptions): number {
  if (options.poolSize !== null) return options.poolSize;
  return Math.ceil(options.poolRate * (options.duration + options.warmup)) + 4 * options.connections;
}
