export * from './safe-text.js';
