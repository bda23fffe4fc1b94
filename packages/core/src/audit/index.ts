/** Audit events: their typed union (events.ts) and the one recording policy (record.ts). */
export * from './events.js';
export * from './record.js';
