import { describe, expect, it } from 'vitest';
import { statementBatch } from './statement-batch.js';

/** A batch runner that records each batch it was given and answers each input doubled. */
function recorder(options: { failWhen?: (inputs: readonly number[]) => boolean } = {}) {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  return {
    batches,
    /** Holds every batch until `open` is called. */
    hold() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    open: () => release?.(),
    async run(inputs: readonly number[]): Promise<number[]> {
      batches.push([...inputs]);
      await gate;
      if (options.failWhen?.(inputs)) throw new Error(`refused ${inputs.join(',')}`);
      return inputs.map((n) => n * 2);
    },
  };
}

describe('statementBatch', () => {
  it('sends what is submitted in one event-loop turn as one batch, answering each in order', async () => {
    const runner = recorder();
    const batch = statementBatch({ run: runner.run, maxInFlight: 4, maxBatch: 64 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => batch.submit(n)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(runner.batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('groups what arrives while the batches in flight are at their limit', async () => {
    const runner = recorder();
    runner.hold();
    const batch = statementBatch({ run: runner.run, maxInFlight: 1, maxBatch: 64 });
    const first = batch.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    // The first is in flight: these three arrive in different turns and wait together.
    const waiting = [batch.submit(2)];
    await new Promise((resolve) => setImmediate(resolve));
    waiting.push(batch.submit(3), batch.submit(4));
    expect(runner.batches).toEqual([[1]]);
    runner.open();
    expect(await Promise.all([first, ...waiting])).toEqual([2, 4, 6, 8]);
    expect(runner.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('never puts more than maxBatch inputs in one batch', async () => {
    const runner = recorder();
    const batch = statementBatch({ run: runner.run, maxInFlight: 8, maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => batch.submit(n)));
    expect(runner.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("retries a failed batch input by input, so one input's failure is only its own", async () => {
    const runner = recorder({ failWhen: (inputs) => inputs.includes(3) });
    const batch = statementBatch({ run: runner.run, maxInFlight: 4, maxBatch: 64 });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batch.submit(n)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'fulfilled', value: 4 },
      { status: 'rejected', reason: new Error('refused 3') },
    ]);
    expect(runner.batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('rejects a lone failed input with its own error, without a retry', async () => {
    const runner = recorder({ failWhen: () => true });
    const batch = statementBatch({ run: runner.run, maxInFlight: 4, maxBatch: 64 });
    await expect(batch.submit(7)).rejects.toThrow('refused 7');
    expect(runner.batches).toEqual([[7]]);
  });
});
