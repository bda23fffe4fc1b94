// Contract suites for the short-lived ports: the memory and Redis caches both run every one of them.
export * from './access-tokens.js';
export * from './cache-stores.js';
export * from './codes.js';
export * from './device-grants.js';
export * from './expiring.js';
export * from './rate-limits.js';
export * from './stamps.js';
export type { OpenCache } from './support.js';
