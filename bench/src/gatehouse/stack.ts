import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { settings } from '@gatehouse/core';
import { SERVICE_RUNTIME_ENV } from '@gatehouse/service-kit';
import { freePort, type ServerProcess, startServer } from '../processes.js';

/** Where the stack runs its stores: the machine's Postgres + Redis, or embedded PGlite + memory. */
export type StackShape =
  | { kind: 'postgres'; databaseUrl: string; redisUrl: string }
  | { kind: 'embedded'; dataDir: string };

/** `services/stack/dist/server.js`, found through the workspace package (built by turbo's ^build). */
export function stackServerScript(): string {
  const app = fileURLToPath(import.meta.resolve('@gatehouse/stack'));
  return join(dirname(app), 'server.js');
}

/** Every configuration variable (core's settings table): none may leak in from the parent shell. */
const CONFIG_VARIABLES = settings.map((setting) => setting.variable);

export interface StackStart {
  shape: StackShape;
  /** Run under `node --cpu-prof`, writing `<profileDir>/<profileName>` when it exits. */
  profile?: { dir: string; name: string };
  /** Extra configuration for the stack (`--stack-env`), applied last. */
  extraEnv?: Readonly<Record<string, string>>;
}

/**
 * `node services/stack/dist/server.js` as its own process — the same entry point `pnpm start`
 * runs — configured for the bench, started, and waited for until /readyz answers 200.
 */
export async function startStack({ shape, profile, extraEnv = {} }: StackStart): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CONFIG_VARIABLES) delete env[name];
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: `http://127.0.0.1:${port}`,
    GATEHOUSE_ENV: 'development',
    SEED_DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    // As behind the production gateway: simulated browsers each send their own X-Forwarded-For.
    TRUST_PROXY: '127.0.0.1',
    // As the production image runs every service (Dockerfile).
    ...SERVICE_RUNTIME_ENV,
  });
  if (shape.kind === 'postgres') {
    env.DATABASE_URL = shape.databaseUrl;
    env.REDIS_URL = shape.redisUrl;
  } else {
    env.DATA_DIR = shape.dataDir;
    // Codes minted over HTTP just before their window must outlive it (the longest TTL allowed).
    env.AUTH_CODE_TTL = '600';
  }
  Object.assign(env, extraEnv);
  const nodeArgs = profile
    ? ['--cpu-prof', `--cpu-prof-dir=${profile.dir}`, `--cpu-prof-name=${profile.name}`]
    : [];
  return startServer({
    name: 'gatehouse stack',
    script: stackServerScript(),
    nodeArgs,
    env,
    port,
    readyPath: '/readyz',
    readyTimeoutMs: 60_000,
  });
}
