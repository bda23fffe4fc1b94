// Shared contract suites: every storage implementation runs these (packages/db and packages/cache).
export * from './cache/index.js';
export * from './durable/index.js';
