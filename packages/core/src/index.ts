export * from './config.js';
export * from './crypto.js';
export * from './errors.js';
export type * from './ports/index.js';
export * from './store-errors.js';
