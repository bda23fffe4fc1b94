export * from './destination.js';
