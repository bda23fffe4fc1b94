import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The suites mostly wait (TTL expiry, a restarting redis-server), so run the files side by side
    // even on a machine with few cores.
    maxWorkers: 4,
    // A local Redis Cluster for the cluster suite (real-services mode only).
    globalSetup: ['src/cluster-setup.ts'],
  },
});
