/**
 * The production topology as local processes: authorize ×1, token ×N,
 * resource ×1 — the built services, in production mode — behind Caddy with the same
 * gateway config docker compose uses (deploy/Caddyfile), on a private Postgres
 * database (reached through a small TCP proxy, so tests can simulate an outage) and a
 * private redis-server. Nothing shared is touched: the machine's Redis on 6379 and its
 * Postgres server stay as they are; only a database of our own is created and dropped.
 * One file: start-up order, the state file and stopping by pid are one lifecycle.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_RUNTIME_ENV } from '@gatehouse/service-kit';
import { GatewayClient } from './https-client.js';
import {
  ensureCommands,
  eventually,
  freePort,
  GiveUp,
  isOurs,
  launch,
  type ProcessRecord,
  type ProcessSpec,
  stopProcess,
  which,
} from './processes.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The package root: `src/` under vitest, `dist/` when built; both sit one level down. */
export const PACKAGE_DIR = resolve(here, '..');
export const REPO_DIR = resolve(PACKAGE_DIR, '..');
export const CADDYFILE = join(REPO_DIR, 'deploy', 'Caddyfile');

const SERVICE_ENTRY = {
  authorize: join(REPO_DIR, 'services', 'authorize', 'dist', 'server.js'),
  token: join(REPO_DIR, 'services', 'token', 'dist', 'server.js'),
  resource: join(REPO_DIR, 'services', 'resource', 'dist', 'server.js'),
};
const MIGRATE_ENTRY = join(REPO_DIR, 'packages', 'db', 'dist', 'migrate-cli.js');
const PG_PROXY_ENTRY = join(PACKAGE_DIR, 'dist', 'pg-proxy.js');

export type ServiceName = keyof typeof SERVICE_ENTRY;

export interface TopologyOptions {
  /** Working directory (logs, Caddy's data and CA, Redis); created, and removed on stop. */
  dir: string;
  /** Token service instances (the one that scales). */
  tokenInstances?: number;
  /** DRAIN_DELAY_MS of every service: how long /readyz says 503 before the server closes. */
  drainDelayMs?: number;
  /** GATEHOUSE_ADMIN_TOKEN of the services (≥ 32 chars); unset → the admin API answers 404. */
  adminToken?: string;
  /** Detached processes outlive the caller (`topology:up`); tests keep them attached. */
  detached?: boolean;
  /** Where the Postgres server is (trust auth, user postgres). */
  postgres?: { host: string; port: number; user: string };
  logLevel?: string;
  /** One private redis-server (default), or a private 3 masters + 3 replicas Redis Cluster. */
  redis?: 'single' | 'cluster';
  progress?: (line: string) => void;
}

export interface TopologyState {
  /** The one public origin, e.g. https://localhost:43123 — also the ISSUER. */
  url: string;
  dir: string;
  /** Caddy's local root certificate: trust it to talk to the gateway. */
  caCertificate: string;
  database: { name: string; adminUrl: string; directUrl: string; proxiedUrl: string };
  redisUrl: string;
  adminToken: string | null;
  /** Every running process; the services' specs carry their ports. */
  processes: ProcessRecord[];
  startedAt: string;
}

/**
 * Every node of the cluster agrees it is ok, and every replica has synced with its master:
 * single-use writes wait for the replica's acknowledgement (SEC-75), so until then a code
 * exchange is a 503 — the right answer on a half-started cluster, and no state to test on.
 */
export function redisClusterWhole(ports: number[]): boolean {
  const cli = (port: number, ...args: string[]) =>
    execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
  const replicasUp = ports.filter((port) => /^master_link_status:up/m.test(cli(port, 'info', 'replication')));
  return (
    ports.every((port) => /^cluster_state:ok/m.test(cli(port, 'cluster', 'info'))) &&
    replicasUp.length === ports.length / 2
  );
}

/** `redis-cli --cluster create` over the nodes (one replica each), then waits until it is whole. */
async function createRedisCluster(ports: number[]): Promise<void> {
  const nodes = ports.map((port) => `127.0.0.1:${port}`);
  execFileSync('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], {
    stdio: 'pipe',
  });
  await eventually(async () => redisClusterWhole(ports), 30_000, 'redis cluster whole', 100);
}

const psqlArgs = (adminUrl: string, sql: string) => [adminUrl, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql];

function psql(adminUrl: string, sql: string): string {
  return execFileSync('psql', psqlArgs(adminUrl, sql), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** GET over plain HTTP to one instance, bypassing the gateway: status code, or 0 when unreachable. */
export function httpStatus(port: number, path: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolveStatus) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolveStatus(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveStatus(0));
    req.end();
  });
}

function readLog(record: Pick<ProcessSpec, 'log'>): string {
  try {
    return readFileSync(record.log, 'utf8');
  } catch {
    return '';
  }
}

async function waitForLog(record: ProcessRecord, pattern: RegExp, ms: number): Promise<void> {
  await eventually(
    () => {
      if (!isOurs(record)) throw new GiveUp(`${record.name} exited`);
      return pattern.test(readLog(record));
    },
    ms,
    `${record.name} to log ${pattern}`,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- ${record.log} ---\n${readLog(record).slice(-2000)}`);
  });
}

/** A running topology: its state plus the operations tests need (restart, outages). */
export class Topology {
  constructor(
    readonly state: TopologyState,
    private readonly detached: boolean,
    private readonly progress: (line: string) => void = () => undefined,
  ) {}

  get url(): string {
    return this.state.url;
  }

  process(name: string): ProcessRecord {
    const record = this.state.processes.find((p) => p.name === name);
    if (!record) throw new Error(`no process named ${name}`);
    return record;
  }

  /** The service processes (authorize, token-1, token-2, resource). */
  services(kind?: ServiceName): ProcessRecord[] {
    return this.state.processes.filter((p) => {
      const service = p.name.replace(/-\d+$/, '');
      return kind ? service === kind : service in SERVICE_ENTRY;
    });
  }

  /** A client that trusts the gateway's certificate. */
  client(maxSockets?: number): GatewayClient {
    return new GatewayClient(this.url, readFileSync(this.state.caCertificate), maxSockets);
  }

  /** Sends a signal and waits for the process to exit; returns how long it took (ms). */
  async stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    return stopProcess(this.process(name), signal, 30_000);
  }

  /** Starts a stopped process again with its original command, environment and port. */
  async start(name: string): Promise<void> {
    const index = this.state.processes.findIndex((p) => p.name === name);
    const spec = this.state.processes[index]!;
    if (isOurs(spec)) throw new Error(`${name} is still running`);
    const record = launch(spec, { detached: this.detached });
    this.state.processes[index] = record;
    await this.waitUntilStarted(record);
  }

  /** Cuts every database connection and refuses new ones (see pg-proxy.ts). */
  databaseOutage(): void {
    process.kill(this.process('pg-proxy').pid, 'SIGUSR1');
  }

  databaseRestored(): void {
    process.kill(this.process('pg-proxy').pid, 'SIGUSR2');
  }

  async waitUntilStarted(record: ProcessRecord): Promise<void> {
    if (/^redis(-\d+)?$/.test(record.name)) return waitForLog(record, /Ready to accept connections/, 15_000);
    if (record.name === 'pg-proxy') return waitForLog(record, /pg-proxy listening/, 10_000);
    if (record.name === 'gateway') return; // checked through the gateway itself
    const port = record.port!;
    await eventually(
      async () => {
        if (!isOurs(record)) throw new GiveUp(`${record.name} exited:\n${readLog(record).slice(-3000)}`);
        return (await httpStatus(port, '/readyz')) === 200;
      },
      60_000,
      `${record.name} /readyz`,
      100,
    );
  }

  /**
   * Stops everything by pid, drops the database, removes the working directory. Every
   * step runs even when an earlier one failed; the first error is thrown at the end.
   */
  async down(): Promise<void> {
    const took: string[] = [];
    const errors: unknown[] = [];
    const attempt = async (step: () => Promise<void> | void) => {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    };
    const stopIf = (name: string) =>
      attempt(async () => {
        const record = this.state.processes.find((p) => p.name === name);
        if (!record) return;
        const ms = await stopProcess(record, 'SIGTERM', 20_000);
        took.push(ms < 0 ? `${name} was not running` : `${name} ${ms} ms`);
      });
    // Gateway first (no new traffic), then the services drain together, then the stores.
    await stopIf('gateway');
    await Promise.all(this.services().map((p) => stopIf(p.name)));
    await stopIf('pg-proxy');
    await Promise.all(
      this.state.processes.filter((p) => /^redis(-\d+)?$/.test(p.name)).map((p) => stopIf(p.name)),
    );
    this.progress(`processes stopped (${took.join(', ')})`);
    const { name, adminUrl } = this.state.database;
    if (name) {
      await attempt(() => {
        psql(adminUrl, `drop database if exists "${name}" with (force)`);
        this.progress(`dropped database ${name}`);
      });
    }
    await attempt(() => rmSync(this.state.dir, { recursive: true, force: true }));
    if (errors.length > 0) throw errors[0];
  }
}

/**
 * Starts the topology and waits until the gateway answers /readyz 200 over HTTPS.
 * On failure everything already started is stopped again before the error is thrown.
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const progress = options.progress ?? (() => undefined);
  const detached = options.detached ?? false;
  const pg = options.postgres ?? { host: '127.0.0.1', port: 5432, user: 'postgres' };
  const tokenInstances = options.tokenInstances ?? 2;
  const drainDelayMs = options.drainDelayMs ?? 2000;

  for (const entry of [...Object.values(SERVICE_ENTRY), MIGRATE_ENTRY, PG_PROXY_ENTRY]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (pnpm build)`);
  }
  ensureCommands(['caddy', 'redis-server', 'psql'], progress);

  const dir = resolve(options.dir);
  const logs = join(dir, 'logs');
  const caddyHome = join(dir, 'caddy');
  const redisDir = join(dir, 'redis');
  for (const d of [logs, caddyHome, redisDir]) mkdirSync(d, { recursive: true, mode: 0o700 });

  const [httpsPort, httpPort, redisPort, proxyPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const url = `https://localhost:${httpsPort}`;
  const databaseName = `gatehouse_topology_${randomBytes(6).toString('hex')}`;
  const adminUrl = `postgres://${pg.user}@${pg.host}:${pg.port}/postgres`;
  const state: TopologyState = {
    url,
    dir,
    caCertificate: join(caddyHome, 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt'),
    database: {
      name: '',
      adminUrl,
      directUrl: `postgres://${pg.user}@${pg.host}:${pg.port}/${databaseName}`,
      proxiedUrl: `postgres://${pg.user}@127.0.0.1:${proxyPort}/${databaseName}`,
    },
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    adminToken: options.adminToken ?? null,
    processes: [],
    startedAt: new Date().toISOString(),
  };
  const topology = new Topology(state, detached, progress);
  const basePath = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  const start = (spec: ProcessSpec): ProcessRecord => {
    const record = launch(spec, { detached });
    state.processes.push(record);
    return record;
  };

  try {
    psql(adminUrl, `create database "${databaseName}"`);
    state.database.name = databaseName;
    progress(`created database ${databaseName}`);

    const redisNodes =
      options.redis === 'cluster'
        ? await Promise.all(Array.from({ length: 6 }, () => freePort()))
        : [redisPort];
    // A cluster node's bus listens on port + 10000 unless told otherwise: a port nobody checked,
    // and in the kernel's ephemeral range, so each node gets a bus port from freePort too.
    const busPorts = redisNodes.length > 1 ? await Promise.all(redisNodes.map(() => freePort())) : [];
    const redises = redisNodes.map((port, i) =>
      start({
        name: redisNodes.length === 1 ? 'redis' : `redis-${i + 1}`,
        command: which('redis-server')!,
        // No persistence: a restart loses everything, the worst case DESIGN.md promises to survive.
        args: [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          redisDir,
          ...(redisNodes.length === 1
            ? []
            : [
                '--cluster-enabled',
                'yes',
                '--cluster-port',
                String(busPorts[i]),
                '--cluster-config-file',
                join(redisDir, `nodes-${port}.conf`),
                '--cluster-node-timeout',
                '1000',
              ]),
        ],
        env: { PATH: basePath },
        log: join(logs, redisNodes.length === 1 ? 'redis.log' : `redis-${i + 1}.log`),
        port,
      }),
    );
    const proxy = start({
      name: 'pg-proxy',
      command: process.execPath,
      args: [PG_PROXY_ENTRY, String(proxyPort), String(pg.port), pg.host],
      env: { PATH: basePath },
      log: join(logs, 'pg-proxy.log'),
      port: proxyPort,
    });
    await Promise.all([
      ...redises.map((r) => topology.waitUntilStarted(r)),
      topology.waitUntilStarted(proxy),
    ]);
    if (redisNodes.length > 1) {
      await createRedisCluster(redisNodes);
      state.redisUrl = `redis+cluster://${redisNodes.map((port) => `127.0.0.1:${port}`).join(',')}`;
      progress(
        `redis cluster on ${redisNodes.join(', ')} (3 masters + 3 replicas), postgres proxy on ${proxyPort}`,
      );
    } else progress(`redis on ${redisPort}, postgres proxy on ${proxyPort}`);

    // One per topology: every service decrypts the same stored signing keys.
    const keyEncryptionKey = randomBytes(32).toString('base64url');
    const serviceEnv = (port: number): Record<string, string> => ({
      PATH: basePath,
      NODE_ENV: 'production',
      GATEHOUSE_ENV: 'production',
      ...SERVICE_RUNTIME_ENV,
      HOST: '127.0.0.1',
      PORT: String(port),
      ISSUER: url,
      DATABASE_URL: state.database.proxiedUrl,
      REDIS_URL: state.redisUrl,
      TRUST_PROXY: '127.0.0.1',
      GATEHOUSE_KEY_ENCRYPTION_KEY: keyEncryptionKey,
      DRAIN_DELAY_MS: String(drainDelayMs),
      LOG_LEVEL: options.logLevel ?? 'info',
      ...(options.adminToken ? { GATEHOUSE_ADMIN_TOKEN: options.adminToken } : {}),
    });

    // The one-shot migrate step (compose's `migrate` service), before any service starts.
    execFileSync(process.execPath, [MIGRATE_ENTRY], {
      env: serviceEnv(0),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    progress('migrations applied');

    const plan: { name: string; entry: string }[] = [
      { name: 'authorize', entry: SERVICE_ENTRY.authorize },
      ...Array.from({ length: tokenInstances }, (_, i) => ({
        name: `token-${i + 1}`,
        entry: SERVICE_ENTRY.token,
      })),
      { name: 'resource', entry: SERVICE_ENTRY.resource },
    ];
    const services: ProcessRecord[] = [];
    for (const { name, entry } of plan) {
      const port = await freePort();
      services.push(
        start({
          name,
          command: process.execPath,
          args: [entry],
          env: serviceEnv(port),
          log: join(logs, `${name}.log`),
          port,
        }),
      );
    }
    await Promise.all(services.map((record) => topology.waitUntilStarted(record)));
    progress(`services ready: ${services.map((s) => `${s.name}@${s.port}`).join(', ')}`);

    const upstreams = (kind: string) =>
      services
        .filter((s) => s.name === kind || s.name.startsWith(`${kind}-`))
        .map((s) => `127.0.0.1:${s.port}`)
        .join(' ');
    const gateway = start({
      name: 'gateway',
      command: which('caddy')!,
      args: ['run', '--adapter', 'caddyfile', '--config', CADDYFILE],
      env: {
        PATH: basePath,
        HOME: caddyHome,
        XDG_DATA_HOME: join(caddyHome, 'data'),
        XDG_CONFIG_HOME: join(caddyHome, 'config'),
        GATEWAY_SITE: 'localhost',
        GATEWAY_TLS: 'internal',
        GATEWAY_ADMIN: 'off',
        GATEWAY_HTTPS_PORT: String(httpsPort),
        GATEWAY_HTTP_PORT: String(httpPort),
        AUTHORIZE_UPSTREAMS: upstreams('authorize'),
        TOKEN_UPSTREAMS: upstreams('token'),
        RESOURCE_UPSTREAMS: upstreams('resource'),
      },
      log: join(logs, 'gateway.log'),
      port: httpsPort,
    });
    await eventually(
      () => {
        if (!isOurs(gateway)) throw new GiveUp(`gateway exited:\n${readLog(gateway).slice(-3000)}`);
        return existsSync(state.caCertificate);
      },
      20_000,
      'Caddy to create its local CA',
    );
    const client = topology.client();
    try {
      await eventually(
        async () => (await client.request('/readyz')).status === 200,
        20_000,
        'the gateway to answer /readyz 200',
        100,
      );
    } finally {
      client.close();
    }
    progress(`gateway ready at ${url}`);
    return topology;
  } catch (error) {
    await topology.down().catch((cleanup: Error) => progress(`cleanup failed: ${cleanup.message}`));
    throw error;
  }
}

/** Re-attaches to a topology described by a state file (for `topology:down`). */
export function topologyFromState(state: TopologyState, progress?: (line: string) => void): Topology {
  return new Topology(state, true, progress);
}

export function writeState(file: string, state: TopologyState): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
