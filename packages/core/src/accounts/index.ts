export * from './app-lifecycle.js';
export * from './app-registration.js';
export * from './connected-apps.js';
export * from './developer-tokens.js';
export * from './new-user.js';
export * from './problems.js';
