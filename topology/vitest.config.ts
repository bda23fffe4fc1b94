import { defineConfig } from 'vitest/config';

// One topology per file, started in beforeAll: allow for start-up and the drain under load.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], hookTimeout: 120_000, testTimeout: 60_000 },
});
