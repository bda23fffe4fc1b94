/**
 * `pnpm topology:up` / `pnpm topology:down` (see README, "Operating Gatehouse").
 *
 *   node dist/cli.js up       start the topology in the background, print its URL
 *   node dist/cli.js status   show what runs
 *   node dist/cli.js down     stop it by pid, drop its database, remove its files
 *
 * The state (pids, ports, database, admin token) lives in topology/.state/topology.json
 * (mode 0600) between `up` and `down`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isOurs } from './processes.js';
import { PACKAGE_DIR, startTopology, type TopologyState, topologyFromState, writeState } from './topology.js';

const STATE_FILE = join(PACKAGE_DIR, '.state', 'topology.json');
const say = (line: string) => console.log(`topology: ${line}`);

function readState(): TopologyState | null {
  if (!existsSync(STATE_FILE)) return null;
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as TopologyState;
}

async function up(): Promise<void> {
  const existing = readState();
  if (existing?.processes.some((p) => isOurs(p))) {
    say(`already running at ${existing.url} (pnpm topology:down stops it)`);
    return;
  }
  if (existing) {
    say('cleaning up a previous run that is no longer running');
    await topologyFromState(existing, say).down();
    rmSync(STATE_FILE);
  }
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-topology-'));
  const adminToken =
    process.env.GATEHOUSE_ADMIN_TOKEN || `gth_admin_${randomBytes(32).toString('base64url')}`;
  const topology = await startTopology({
    dir,
    detached: true,
    adminToken,
    tokenInstances: Number(process.env.TOPOLOGY_TOKEN_INSTANCES || 2),
    redis: redisMode(process.env.TOPOLOGY_REDIS),
    progress: say,
  });
  writeState(STATE_FILE, topology.state);
  const rows = topology.state.processes.map(
    (p) => `  ${p.name.padEnd(10)} pid ${String(p.pid).padEnd(8)} ${p.port ? `port ${p.port}` : ''}`,
  );
  console.log(
    [
      '',
      `Gatehouse (production topology) is up at ${topology.url}`,
      '',
      ...rows,
      '',
      `  trust the gateway's CA:  ${topology.state.caCertificate}`,
      `    e.g. curl --cacert ${topology.state.caCertificate} ${topology.url}/readyz`,
      `  logs:                    ${join(topology.state.dir, 'logs')}`,
      `  database:                ${topology.state.database.name} (via the proxy on the pg-proxy port)`,
      `  admin token:             in ${STATE_FILE} (adminToken)`,
      '',
      'Stop it with: pnpm topology:down',
    ].join('\n'),
  );
}

async function down(): Promise<void> {
  const state = readState();
  if (!state) {
    say('nothing to stop (no state file)');
    return;
  }
  await topologyFromState(state, say).down();
  rmSync(dirname(STATE_FILE), { recursive: true, force: true });
  say('down');
}

function status(): void {
  const state = readState();
  if (!state) {
    say('not running');
    return;
  }
  console.log(`${state.url} (since ${state.startedAt})`);
  for (const p of state.processes) {
    console.log(`  ${p.name.padEnd(10)} pid ${String(p.pid).padEnd(8)} ${isOurs(p) ? 'running' : 'STOPPED'}`);
  }
}

const command = process.argv[2];
const run = command === 'up' ? up : command === 'down' ? down : command === 'status' ? status : null;
if (!run) {
  console.error('usage: node dist/cli.js up|down|status');
  process.exit(2);
}
try {
  await run();
} catch (error) {
  console.error(`topology ${command} failed: ${(error as Error).message}`);
  process.exit(1);
}

/** TOPOLOGY_REDIS: `single` (default) or `cluster` (a private 3 masters + 3 replicas). */
function redisMode(raw: string | undefined): 'single' | 'cluster' {
  if (!raw || raw === 'single') return 'single';
  if (raw === 'cluster') return 'cluster';
  throw new Error(`TOPOLOGY_REDIS must be single or cluster (got "${raw}")`);
}
