import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { settings } from '@gatehouse/core';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Child, freePort, signalGroup, startProcess } from './testing/processes.js';

/**
 * The README's command blocks, run as written through the real root scripts (`pnpm start`,
 * `pnpm start:provider`, `pnpm gatehouse …`) — only the ports, the database and the Redis
 * database number are swapped for private ones. Commands this machine cannot run inside a
 * test (installing, the test run itself, Docker, the topology, the benchmark) are named in
 * NOT_RUN_HERE, so a new README command is either walked here or listed with a reason.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PNPM = 'npx -y pnpm@10.34.8';

const NOT_RUN_HERE: [RegExp, string][] = [
  [/ install && /, 'the quick start: this test runs inside an installed checkout'],
  [/ test\b/, 'the test run itself'],
  [/^bash \.ci\/run$/, 'CI, which runs this test'],
  [/ bench\b/, 'the benchmark takes both cores for minutes'],
  [/^(cp|docker) /, 'Docker has no engine on this machine; compose files are validated in CI'],
  [/ topology:/, 'the topology test is its own CI step'],
  [/--filter @gatehouse\/topology test/, 'the topology test is its own CI step'],
];

/** Every `sh` block's commands, continuation lines joined, comments dropped. */
function readmeCommands(): string[] {
  const commands: string[] = [];
  for (const [, block] of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block!.replace(/\\\n\s*/g, '').split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command) commands.push(command);
    }
  }
  return commands;
}

/** `A=1 B=2 npx -y pnpm@… start` → its variables and its words. */
function parseCommand(command: string): { env: Record<string, string>; words: string[] } {
  const words = command.split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  return { env, words };
}

const commands = readmeCommands();
const exported = Object.fromEntries(
  commands.filter((c) => c.startsWith('export ')).map((c) => c.slice('export '.length).split('=')),
) as Record<string, string>;
const startCommand = commands.find((c) => / start$/.test(c) && c.includes('DATABASE_URL='))!;
const providerCommand = commands.find((c) => c === `${PNPM} start:provider`)!;
const cliCommands = commands.filter((c) => c.startsWith(`${PNPM} gatehouse `));

describe('the README, walked', () => {
  let port: number;
  let demoPort: number;
  let database: TestDatabase | undefined;
  let dataDir: string;
  let localize: (command: string) => string;

  beforeAll(async () => {
    [port, demoPort] = [await freePort(), await freePort()];
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'));
    if (process.env.DATABASE_URL) database = await createTestDatabase();
    localize = (command) =>
      command
        .replaceAll('localhost:3000', `localhost:${port}`)
        .replaceAll('localhost:3001', `localhost:${demoPort}`);
  });

  afterAll(async () => {
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The environment a shell would hand the command, with this test's stores and ports. */
  function shellEnv(commandEnv: Record<string, string>): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...exported,
      ...commandEnv,
      PORT: String(port),
      DEMO_APP_PORT: String(demoPort),
      GATEHOUSE_URL: `http://localhost:${port}`,
      // The README starts on the machine's Postgres and Redis; here on a private database
      // (or PGlite in a private folder when the run has no Postgres) and Redis database 14.
      DATABASE_URL: database?.url,
      REDIS_URL: process.env.REDIS_URL ? `${process.env.REDIS_URL.replace(/\/\d*$/, '')}/14` : undefined,
      DATA_DIR: dataDir,
    };
    return env;
  }

  /** Runs a README command from the repository root, as a shell in a terminal would. */
  function run(command: string): Child {
    const { env, words } = parseCommand(localize(command));
    return startProcess(words[0]!, words.slice(1), shellEnv(env), { processGroup: true, cwd: ROOT });
  }

  /** Ctrl-C in a terminal: SIGINT to the foreground process group; then its exit code. */
  async function stop(server: Child): Promise<number | null> {
    signalGroup(server, 'SIGINT');
    return server.exited;
  }

  /** After a failed test: stop gracefully if possible, then for good. */
  async function cleanUp(server: Child): Promise<void> {
    signalGroup(server, 'SIGINT');
    const timeout = new Promise((resolve) => setTimeout(resolve, 10_000));
    await Promise.race([server.exited, timeout]);
    signalGroup(server, 'SIGKILL');
  }

  it('names every command it does not run, with the reason', () => {
    const walked = new Set([startCommand, providerCommand, ...cliCommands]);
    const unknown = commands.filter(
      (c) => !walked.has(c) && !c.startsWith('export ') && !NOT_RUN_HERE.some(([pattern]) => pattern.test(c)),
    );
    expect(unknown).toEqual([]);
    expect(startCommand).toBeDefined();
    expect(providerCommand).toBeDefined();
    expect(cliCommands.length).toBeGreaterThanOrEqual(5);
  });

  // Each of these runs a build check and starts real servers: minutes on a busy machine.
  it('`pnpm start` with the README variables serves on PORT, with the stores and admin API they name', {
    timeout: 420_000,
  }, async () => {
    const server = run(startCommand);
    try {
      await server.waitFor(/Demo app running at/, 300_000);
      await server.waitFor(/Demo client: client_id=/, 60_000);
      const banner = server.output();
      expect(banner).toContain(`Gatehouse is running at http://localhost:${port}`);
      expect(banner).toMatch(
        database
          ? new RegExp(`database: +Postgres [^\\s]*/${database.url!.split('/').pop()}`)
          : new RegExp(`database: +embedded PGlite in ${dataDir}`),
      );
      expect(banner).toMatch(process.env.REDIS_URL ? /cache: +Redis \S+\/14/ : /cache: +in-memory/);
      expect(banner).toMatch(/admin API: on/);
      expect(banner).toMatch(/mode: +development/);
      // The demo app has its own port and finds the provider on the provider's.
      expect(banner).toContain(`Demo app running at http://localhost:${demoPort}`);
      const start = await fetch(`http://localhost:${demoPort}/auth/oauth/start`, { redirect: 'manual' });
      expect(start.headers.get('location')).toMatch(
        new RegExp(`^http://localhost:${port}/api/oauth2/authorize\\?`),
      );

      // The tour's admin CLI block, as written.
      for (const command of cliCommands.filter((c) => !c.includes(' flow-test '))) {
        const cli = run(command);
        const code = await cli.exited;
        expect({ command, code, output: cli.output() }).toMatchObject({ code: 0 });
        if (command.endsWith('users list')) expect(cli.output()).toMatch(/demo\s.*750\.00 USD/);
        if (command.includes('balance credit 1')) expect(cli.output()).toMatch(/new_balance\s+775\.00 USD/);
      }

      // Development logs are for people: one short line per request, no JSON objects.
      await server.waitFor(/GET \/api\/admin\/users\?? 200 \d+ ms/, 10_000);
      expect(server.output()).not.toMatch(/\{"level":/);

      await stop(server);
      // Both servers drained; no layer reported a failure for an ordinary Ctrl-C.
      expect(server.output()).toMatch(/draining/);
      expect(server.output()).not.toMatch(/ELIFECYCLE|Command failed/);
    } finally {
      await cleanUp(server);
    }
  });

  it('`pnpm start:provider` runs Gatehouse alone, and the README flow-test passes against it', {
    timeout: 420_000,
  }, async () => {
    const server = run(providerCommand);
    try {
      await server.waitFor(/Demo client: client_id=/, 300_000);
      expect(server.output()).not.toContain('Demo app running');
      const flowTest = cliCommands.find((c) => c.includes(' flow-test '))!;
      const cli = run(flowTest);
      expect(await cli.exited, cli.output()).toBe(0);
      expect(cli.output()).toContain('All steps passed.');
      await stop(server);
      expect(server.output()).not.toMatch(/ELIFECYCLE/);
    } finally {
      await cleanUp(server);
    }
  });

  it('every configuration variable reaches the servers through the root scripts', () => {
    // `pnpm start` runs tools/start.mjs, which hands the servers the caller's whole
    // environment; the turbo tasks that run servers (`dev`, `turbo run start`) list them.
    const turbo = JSON.parse(readFileSync(join(ROOT, 'turbo.json'), 'utf8')) as {
      tasks: Record<string, { passThroughEnv?: string[] }>;
    };
    const table = [...README.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
    for (const variable of settings.map((s) => s.variable)) expect(table).toContain(variable);
    for (const task of ['dev', 'start']) {
      expect(turbo.tasks[task]?.passThroughEnv?.sort()).toEqual([...new Set(table)].sort());
    }
    const launcher = readFileSync(join(ROOT, 'tools/start.mjs'), 'utf8');
    expect(launcher).toMatch(/const env = \{ \.\.\.process\.env \}/);
  });
});
