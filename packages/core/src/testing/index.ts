// Shared contract suites (every storage implementation runs them: packages/db and packages/cache)
// and `useOpened`, the one way a test file opens and closes its fixture.
export * from './cache/index.js';
export * from './durable/index.js';
export { sampleClient } from './memory/authorize-stores.js';
export * from './use-opened.js';
