import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { allowedOriginProblem, checkBrowserCaller, clientWebOrigins } from './web-origins.js';

const publicApp = {
  tokenEndpointAuthMethod: 'none' as const,
  redirectUris: ['https://spa.example.com/cb', 'http://127.0.0.1/cb', 'com.example.app:/cb'],
  allowedOrigins: ['http://127.0.0.1:5173'],
};
const confidentialApp = {
  ...publicApp,
  tokenEndpointAuthMethod: 'client_secret_post' as const,
  allowedOrigins: [],
};

describe('client web origins (SEC-53)', () => {
  it('are the https redirect origins plus allowed_origins, for public clients', () => {
    expect(clientWebOrigins(publicApp).sort()).toEqual(['http://127.0.0.1:5173', 'https://spa.example.com']);
  });

  it('are none for confidential clients', () => {
    expect(clientWebOrigins(confidentialApp)).toEqual([]);
  });
});

describe('checkBrowserCaller (SEC-54)', () => {
  it('lets server calls (no Origin) through for every client', () => {
    expect(() => checkBrowserCaller(confidentialApp, undefined)).not.toThrow();
    expect(() => checkBrowserCaller(publicApp, null)).not.toThrow();
  });

  it('refuses a confidential client called from a browser', () => {
    expect(() => checkBrowserCaller(confidentialApp, 'https://spa.example.com')).toThrow(InvalidRequestError);
    expect(() => checkBrowserCaller(confidentialApp, 'https://spa.example.com')).toThrow(/has a secret/);
  });

  it('accepts a public client only from its own origins', () => {
    expect(() => checkBrowserCaller(publicApp, 'https://spa.example.com')).not.toThrow();
    expect(() => checkBrowserCaller(publicApp, 'http://127.0.0.1:5173')).not.toThrow();
    expect(() => checkBrowserCaller(publicApp, 'http://127.0.0.1:5174')).toThrow(/not registered/);
    expect(() => checkBrowserCaller(publicApp, 'null')).toThrow(/not registered/);
  });
});

describe('allowed origin rules', () => {
  const prod = { development: false };
  it.each(['https://app.example.com', 'http://127.0.0.1:5173', 'http://localhost:3000'])(
    'accepts %s',
    (o) => {
      expect(allowedOriginProblem(o, prod)).toBeNull();
    },
  );
  it.each([
    ['https://app.example.com/', /exactly/],
    ['https://app.example.com:443', /exactly/],
    ['https://app.example.com/path', /exactly/],
    ['http://app.example.com', /https/],
    ['ftp://app.example.com', /https/],
    ['*', /origin/],
  ])('refuses %s', (o, message) => {
    expect(allowedOriginProblem(o, prod)).toMatch(message);
  });
});
