import { defineConfig } from 'vitest/config';

// A fresh PGlite takes ~15 s to initialise on a loaded 2-core machine (beforeAll).
export default defineConfig({ test: { include: ['src/**/*.test.ts'], hookTimeout: 120_000 } });
