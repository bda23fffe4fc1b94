/** OpenID Connect: signing keys and their schedule, ID tokens, standard claims, discovery. */
export * from './claims.js';
export * from './client-settings.js';
export * from './end-session.js';
export * from './id-token.js';
export * from './issue.js';
export * from './key-encryption.js';
export * from './key-ring.js';
export * from './key-schedule.js';
