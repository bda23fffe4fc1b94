export { JOB_SCHEMA, type PgBossQueueOptions, startPgBossQueue } from './pg-boss-queue.js';
export { RELEASE_EXPIRED_HOLDS, releaseExpiredHolds } from './release-expired-holds.js';
export { JOB_QUEUES, startWorkers, type WorkerDependencies } from './workers.js';
