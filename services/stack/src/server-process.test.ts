import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@gatehouse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Child, eventually, freePort, startProcess } from './testing/processes.js';

const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url));

/** The real `start` entry point as a process: what the README's start command runs. */
describe('the stack server process', () => {
  let dataDir: string;
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-server-'));
    // On real Postgres, a fresh database of our own (never the shared one).
    if (process.env.DATABASE_URL) database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function env(extra: Record<string, string>): Record<string, string | undefined> {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      ...extra,
    };
  }

  it('starts, prints its URL and the demo login, is ready, and drains on SIGTERM', async () => {
    const port = await freePort();
    const server: Child = startProcess(
      process.execPath,
      [SERVER],
      env({ PORT: String(port), DRAIN_DELAY_MS: '1500' }),
    );
    try {
      await server.waitFor(/Demo client: client_id=/, 60_000);
      expect(server.output()).toContain(`Gatehouse is running at http://localhost:${port}`);
      expect(server.output()).toMatch(
        /sign in at http:\/\/localhost:\d+\/login as "demo" \/ "demo-password"/,
      );

      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', cache: 'ok' });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const metadata = (await (
        await fetch(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server`)
      ).json()) as {
        issuer: string;
      };
      expect(metadata.issuer).toBe(`http://localhost:${port}`);

      server.process.kill('SIGTERM');
      // Draining: readiness turns 503 while the process still answers (DRAIN_DELAY_MS).
      let draining: unknown;
      await eventually(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        draining = await response.json();
        return response.status === 503;
      }, 1000);
      expect(draining).toEqual({ status: 'draining' });
      expect(await server.exited).toBe(0);
    } finally {
      server.process.kill('SIGKILL');
    }
  });

  it.each([
    [{ PORT: 'not-a-port' }, /PORT must be a whole number/],
    [
      { GATEHOUSE_ENV: 'production', ISSUER: 'https://id.example.com' },
      /DATABASE_URL is required in production/,
    ],
    [{ ISSUER: 'ftp://x' }, /ISSUER must use http: or https:/],
  ])('refuses a bad configuration %o with a message naming the variable', async (extra, message) => {
    // A bare environment: nothing but the bad setting decides the outcome.
    const server = startProcess(process.execPath, [SERVER], {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      ...extra,
    });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(message);
  });
});
