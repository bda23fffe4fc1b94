export * from './allowance.js';
export * from './amount.js';
export * from './charge-request.js';
export * from './model.js';
export * from './period.js';
export * from './rules.js';
