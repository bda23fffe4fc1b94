export * from './app-registration.js';
export * from './new-user.js';
export * from './problems.js';
