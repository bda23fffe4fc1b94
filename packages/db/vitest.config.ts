import { defineConfig } from 'vitest/config';

// Concurrency tests (100 parallel redemptions, 25 parallel rotations) are slow on a loaded 2-core machine.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], hookTimeout: 120_000, testTimeout: 60_000 },
});
