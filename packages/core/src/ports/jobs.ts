/**
 * A durable job queue on the database: a job enqueued is kept until a worker finishes it,
 * whichever process enqueued it and whichever process runs it, and survives restarts. Not
 * an in-process timer. One queue name, one kind of job.
 */

/** Runs SQL on one connection or inside one open transaction (`$1`-style parameters). */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface JobOptions {
  /** Retries after the first try fails (0 = one try). */
  retryLimit?: number;
  /** Seconds before the first retry. */
  retryDelaySeconds?: number;
  /** Doubles the delay after each failed try (with jitter). */
  retryBackoff?: boolean;
  /** Not before this many seconds from now. */
  startAfterSeconds?: number;
  /** At most one queued job per key and queue: a second enqueue with the key is dropped. */
  singletonKey?: string;
  /**
   * Write the job with this executor: inside the caller's transaction, so the job exists
   * exactly when the change that asked for it commits.
   */
  within?: SqlExecutor;
}

export interface JobContext {
  id: string;
  /** 1 on the first try. */
  attempt: number;
}

/** Throwing fails the try; the queue retries as the job's options say. */
export type JobHandler<T> = (data: T, context: JobContext) => Promise<void>;

export interface JobQueue {
  /** Returns the job id, or null when a singleton key dropped it. */
  enqueue<T extends object>(name: string, data: T, options?: JobOptions): Promise<string | null>;
  /**
   * A recurring job by a cron expression (UTC). Stored in the database, so however many
   * processes schedule it, one job is created per tick.
   */
  schedule(name: string, cron: string, data?: object, options?: JobOptions): Promise<void>;
  /** Runs `handler` for jobs of `name` in this process, until `stop`. */
  work<T>(name: string, handler: JobHandler<T>): Promise<void>;
  /** Stops fetching, waits for running handlers to finish (bounded), then closes. Idempotent. */
  stop(): Promise<void>;
}
