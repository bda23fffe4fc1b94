import { fileURLToPath } from 'node:url';
import { runHttpLoad } from '../load.js';
import type { BenchOptions } from '../options.js';
import { freePort, readMemory, startServer } from '../processes.js';
import type { ProcessReport } from '../report.js';
import { measure, type ScenarioResult } from '../scenario.js';

/** Scenario 1: a bare Fastify 5 route returning a small JSON body, in its own process. */
export async function runBaseline(
  options: BenchOptions,
): Promise<{ results: ScenarioResult[]; process: ProcessReport }> {
  const port = await freePort();
  const server = await startServer({
    name: 'baseline (Fastify)',
    script: fileURLToPath(new URL('../servers/baseline.js', import.meta.url)),
    env: { ...process.env, PORT: String(port) },
    port,
    readyPath: '/',
  });
  try {
    const probe = await fetch(`${server.origin}/`);
    const body = (await probe.json()) as { ok?: boolean };
    if (probe.status !== 200 || body.ok !== true) throw new Error(`baseline probe answered ${probe.status}`);
    const result = await measure(options, {
      id: 'baseline',
      title: '1 baseline: bare Fastify 5 route, small JSON',
      kind: 'baseline',
      server,
      run: (seconds, phase) =>
        runHttpLoad(
          { origin: server.origin, method: 'GET', path: '/' },
          { connections: options.connections, duration: seconds, phase },
        ),
    });
    const memory = readMemory(server.pid);
    return {
      results: [result],
      process: { name: server.name, rssAfterMb: memory?.rssMb ?? null, hwmMb: memory?.hwmMb ?? null },
    };
  } finally {
    await server.stop();
  }
}
