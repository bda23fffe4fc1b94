/** The device authorization grant (RFC 8628): endpoint, token grant, user codes. */
export * from './authorization.js';
export * from './device-code-grant.js';
export * from './user-code.js';
