import { describe, expect, it } from 'vitest';
import { isRegisteredRedirectUri, redirectUriProblem, sharesOriginWithRegistered } from './redirect-uri.js';

const registered = ['https://app.example.com/oauth/callback'];

describe('exact redirect URI matching (RFC 9700 §2.1)', () => {
  it.each([
    'https://app.example.com/oauth/callback/',
    'https://app.example.com/oauth/callback?x=1',
    'https://APP.example.com/oauth/callback',
    'https://app.example.com/oauth/Callback',
    'https://app.example.com/oauth/../oauth/callback',
    'https://app.example.com/oauth/callback#frag',
    'https://user@app.example.com/oauth/callback',
    'https://app.example.com:443/oauth/callback',
    'https://app.example.com/oauth/callbackx',
    'https://app.example.com/oauth',
  ])('refuses %s', (candidate) => {
    expect(isRegisteredRedirectUri(candidate, registered)).toBe(false);
  });

  it('accepts the registered string itself', () => {
    expect(isRegisteredRedirectUri('https://app.example.com/oauth/callback', registered)).toBe(true);
  });
});

describe('redirect URI registration rules', () => {
  const prod = { development: false };
  it.each([
    ['https://app.example.com/cb', prod],
    ['http://localhost:3001/oauth/callback', prod],
    ['http://127.0.0.1/cb', prod],
    ['http://[::1]:8080/cb', prod],
    ['http://app.internal/cb', { development: true }],
  ])('accepts %s', (uri, options) => {
    expect(redirectUriProblem(uri, options)).toBeNull();
  });

  it.each([
    ['/relative', /absolute URL/],
    ['https://app.example.com/cb#x', /fragment/],
    ['https://*.example.com/cb', /wildcard/],
    ['javascript:alert(1)', /scheme/],
    ['data:text/html,hi', /scheme/],
    ['http://app.example.com/cb', /https/],
    ['https://user:pw@app.example.com/cb', /user name/],
    [' https://app.example.com/cb', /spaces/],
  ])('refuses %s', (uri, message) => {
    expect(redirectUriProblem(uri, prod)).toMatch(message);
  });
});

describe('top-up return URI origin rule', () => {
  const uris = ['https://app.example.com/oauth/callback', 'http://localhost:3001/oauth/callback'];
  it.each(['https://app.example.com/wallet?tab=1', 'https://app.example.com', 'http://localhost:3001/'])(
    'accepts %s',
    (uri) => {
      expect(sharesOriginWithRegistered(uri, uris)).toBe(true);
    },
  );

  it.each([
    'https://evil.example.com/',
    'http://app.example.com/wallet',
    'https://app.example.com:8443/wallet',
    'http://localhost:3002/',
    'javascript:alert(1)',
    'https://app.example.com@evil.example.com/',
    'https://app.example.com.evil.example.com/',
    '//evil.example.com/',
    'https:\\\\evil.example.com',
    'not a url',
  ])('refuses %s', (uri) => {
    expect(sharesOriginWithRegistered(uri, uris)).toBe(false);
  });
});

describe('redirect URIs are visible ASCII only (SEC-31)', () => {
  it.each([
    ['a tab', 'https://app.example.com/cb\tx'],
    ['a line feed', 'https://app.example.com/cb\nx'],
    ['a carriage return', 'https://app.example.com/\rcb'],
    ['a space inside', 'https://app.example.com/c b'],
    ['non-ASCII', 'https://app.example.com/cb/日本'],
    ['a fullwidth host', 'https://ａpp.example.com/cb'],
  ])('refuses %s at registration', (_label, uri) => {
    expect(redirectUriProblem(uri, { development: true })).toMatch(/visible ASCII/);
  });

  it('accepts the percent-encoded form', () => {
    expect(
      redirectUriProblem('https://app.example.com/cb/%E6%97%A5?x=%09', { development: false }),
    ).toBeNull();
  });
});
