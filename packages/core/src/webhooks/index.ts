export * from './app-webhooks.js';
export * from './delivery.js';
export * from './destination.js';
export * from './events.js';
export * from './secret.js';
