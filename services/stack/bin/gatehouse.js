#!/usr/bin/env node
// Committed shim so `pnpm gatehouse` is linked at install time, before anything is built.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('gatehouse: not built yet; run `npx -y pnpm@10.34.8 build` first');
  process.exit(1);
}
await import(entry.href);
