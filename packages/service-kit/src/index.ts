export * from './cors.js';
export * from './errors.js';
export * from './health.js';
export * from './logger.js';
export * from './passwords.js';
export * from './run-server.js';
export * from './stores.js';
export type * from './types.js';
