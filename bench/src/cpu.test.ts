import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuMicros, startCpuMeter } from './cpu.js';

describe('server CPU per request', () => {
  it('reads a process’s CPU time from /proc, and null once it is gone', () => {
    const us = cpuMicros(process.pid);
    expect(us).toBeGreaterThan(0);
    expect(cpuMicros(2 ** 22 + 7)).toBeNull();
  });

  it('measures what each part used during the window, not before it', { timeout: 60_000 }, async () => {
    // A child that, once told to, burns 300 ms of its own CPU time (however busy the machine
    // is), says so, and then sleeps.
    const child = spawn(process.execPath, [
      '-e',
      "console.log('ready'); process.stdin.once('data', () => { const start = process.cpuUsage(); " +
        // user + system: the loop's own getrusage calls cost system time, which /proc counts too.
        'const used = () => { const u = process.cpuUsage(start); return u.user + u.system; }; ' +
        "while (used() < 300000); console.log('done'); setTimeout(() => {}, 30000); });",
    ]);
    const said = (word: string) =>
      new Promise<void>((resolve) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes(word)) resolve();
        });
      });
    await said('ready');
    try {
      const meter = await startCpuMeter(async () => [{ part: 'busy', pid: child.pid! }]);
      const done = said('done');
      child.stdin!.write('go\n');
      await done;
      const use = await meter.stop();
      expect(use.byPart.busy).toBeGreaterThanOrEqual(290_000);
      expect(use.byPart.busy).toBeLessThan(1_500_000);
      expect(use.totalUs).toBe(use.byPart.busy);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
