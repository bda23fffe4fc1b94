// `pnpm bench`: Gatehouse's hot paths side by side with a bare Fastify ceiling and with
// node-oidc-provider, measured in the same run. See bench/README.md.
import { fileURLToPath } from 'node:url';
import { describeShape, runGatehouse, wantsGatehouse } from './gatehouse/run.js';
import { describeMachine } from './machine.js';
import { parseOptions, UsageError, wants } from './options.js';
import { buildReport, markdownReport, type ProcessReport, writeReport } from './report.js';
import type { ScenarioResult } from './scenario.js';
import { runBaseline } from './scenarios/baseline.js';
import { runPeer, wantsPeer } from './scenarios/peer.js';

const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`bench: ${error.message} (see --help)`);
      return 2;
    }
    throw error;
  }
  const startedAt = new Date();
  const machine = describeMachine();
  const shape = describeShape(options);
  process.stderr.write(
    `Gatehouse bench — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}\n` +
      `${shape}\n${options.connections} connections, ${options.duration} s windows${options.smoke ? ' (smoke)' : ''}${options.large ? `, large variant with ${options.largeRows.toLocaleString('en-US')} rows` : ''}${options.profile ? ', profiling the stack' : ''}\n\n`,
  );

  if (machine.loadAtStart > machine.cores / 2) {
    process.stderr.write(
      `Warning: load average ${machine.loadAtStart.toFixed(2)} on ${machine.cores} cores — other work on this machine will skew the numbers.\n\n`,
    );
  }
  const scenarios: ScenarioResult[] = [];
  const processes: ProcessReport[] = [];
  const failures: string[] = [];
  const attempt = async (
    label: string,
    run: () => Promise<{ results: ScenarioResult[]; process: ProcessReport }>,
  ) => {
    try {
      const outcome = await run();
      scenarios.push(...outcome.results);
      processes.push(outcome.process);
    } catch (error) {
      failures.push(`${label}: ${(error as Error).message}`);
      process.stderr.write(`  ✗ ${label}: ${(error as Error).message}\n`);
    }
  };

  if (wants(options, 'baseline')) await attempt('baseline', () => runBaseline(options));
  if (wantsPeer(options, 'memory')) await attempt('peer', () => runPeer(options, machine, 'memory'));
  if (wantsPeer(options, 'durable'))
    await attempt('peer (Redis)', () => runPeer(options, machine, 'durable'));
  let dataSets: Parameters<typeof buildReport>[0]['dataSets'] = [];
  let profiles: Parameters<typeof buildReport>[0]['profiles'] = [];
  let ceiling: Parameters<typeof buildReport>[0]['ceiling'] = null;
  if (wantsGatehouse(options)) {
    const outcome = await runGatehouse(options, RESULTS_DIR, machine);
    scenarios.push(...outcome.results);
    processes.push(...outcome.processes);
    failures.push(...outcome.failures);
    dataSets = outcome.dataSets;
    profiles = outcome.profiles;
    ceiling = outcome.ceiling;
  }

  const report = buildReport({
    startedAt,
    machine,
    shape,
    options,
    scenarios,
    processes,
    dataSets,
    failures,
    profiles,
    ceiling,
  });
  const written = writeReport(RESULTS_DIR, report);
  process.stdout.write(`\n${markdownReport(report)}\n`);
  process.stderr.write(`Wrote ${written.json} and ${written.md}\n`);
  if (report.status !== 'ok') {
    process.stderr.write(
      `\nFAILED: ${report.failures.length} problem(s) — a run with errors is not a result.\n`,
    );
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
