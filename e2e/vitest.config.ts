import { defineConfig } from 'vitest/config';

// One browser and one stack per file; scenarios in a file run in order.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], hookTimeout: 120_000, testTimeout: 60_000, fileParallelism: false },
});
