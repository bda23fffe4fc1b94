export * from './bearer.js';
export * from './topup-link.js';
export * from './userinfo.js';
