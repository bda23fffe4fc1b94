/**
 * Group commit in the application: requests that arrive while the database is busy wait
 * and leave together, as one statement (one round trip, one plan, one commit) for many
 * requests, the way Postgres itself groups WAL flushes. A request that arrives while nothing
 * is in flight leaves at the end of its event-loop turn, so an idle server adds no latency.
 *
 * `run` gets the batch in submission order and answers one result per input, in the same
 * order. When a batch of several fails, each input is tried again alone, so one request's
 * error (or a deadlock between batches) is never another request's error.
 */
export interface StatementBatchOptions<In, Out> {
  /** Runs one batch; resolves with exactly one result per input, index for index. */
  run(inputs: readonly In[]): Promise<Out[]>;
  /** Batches in flight at once; while they are, arriving requests wait and group. */
  maxInFlight: number;
  /** Inputs per statement at most. */
  maxBatch: number;
}

interface Waiting<In, Out> {
  input: In;
  resolve(value: Out): void;
  reject(error: unknown): void;
}

export interface StatementBatch<In, Out> {
  submit(input: In): Promise<Out>;
}

export function statementBatch<In, Out>(options: StatementBatchOptions<In, Out>): StatementBatch<In, Out> {
  const { run, maxInFlight, maxBatch } = options;
  let waiting: Waiting<In, Out>[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function runAlone(entry: Waiting<In, Out>): Promise<void> {
    try {
      const [result] = await run([entry.input]);
      entry.resolve(result as Out);
    } catch (error) {
      entry.reject(error);
    }
  }

  async function runBatch(batch: Waiting<In, Out>[]): Promise<void> {
    try {
      const results = await run(batch.map((entry) => entry.input));
      for (const [i, entry] of batch.entries()) entry.resolve(results[i] as Out);
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else await Promise.all(batch.map(runAlone));
    }
  }

  function flush(): void {
    scheduled = false;
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = waiting.length <= maxBatch ? waiting : waiting.slice(0, maxBatch);
      waiting = batch === waiting ? [] : waiting.slice(maxBatch);
      inFlight += 1;
      void runBatch(batch).finally(() => {
        inFlight -= 1;
        schedule();
      });
    }
  }

  function schedule(): void {
    if (scheduled || waiting.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    // After the poll phase: every request whose bytes arrived in this turn joins the batch.
    setImmediate(flush);
  }

  return {
    submit(input: In): Promise<Out> {
      return new Promise<Out>((resolve, reject) => {
        waiting.push({ input, resolve, reject });
        schedule();
      });
    },
  };
}
