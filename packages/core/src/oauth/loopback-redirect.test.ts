import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRegisteredRedirectUri, loopbackMatchesAnyPort, redirectUriProblem } from './redirect-uri.js';

const pub = { publicClient: true };

describe('loopback redirect URIs of public clients take any port (RFC 8252 §7.3, SEC-51)', () => {
  const registered = ['http://127.0.0.1/cb', 'http://[::1]/oauth/done?app=1'];

  it('matches the registered URI with any port, for both loopback IPs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65_535 }), (port) => {
        expect(isRegisteredRedirectUri(`http://127.0.0.1:${port}/cb`, registered, pub)).toBe(true);
        expect(isRegisteredRedirectUri(`http://[::1]:${port}/oauth/done?app=1`, registered, pub)).toBe(true);
      }),
    );
  });

  it('gives the same freedom when the registered URI names a port', () => {
    expect(isRegisteredRedirectUri('http://127.0.0.1:5555/cb', ['http://127.0.0.1:8080/cb'], pub)).toBe(true);
  });

  it('never lets anything but the port differ', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 65_535 }),
        fc.string({ minLength: 1, maxLength: 8 }),
        (port, junk) => {
          const candidate = `http://127.0.0.1:${port}/cb${junk}`;
          expect(isRegisteredRedirectUri(candidate, registered, pub)).toBe(false);
        },
      ),
    );
  });

  it.each([
    'http://localhost:5000/cb', // a name may resolve elsewhere: no port freedom
    'https://127.0.0.1:5000/cb',
    'http://127.0.0.1:5000/cb/',
    'http://127.0.0.1:5000/CB',
    'http://127.0.0.1:0/cb',
    'http://127.0.0.1:65536/cb',
    'http://127.0.0.1:08080/cb',
    'http://127.0.0.1:80@evil.example/cb',
    'http://127.0.0.1.evil.example:80/cb',
    'http://127.0.0.2:80/cb',
    'http://[::1]:80/oauth/done?app=2',
  ])('refuses %s', (candidate) => {
    expect(isRegisteredRedirectUri(candidate, registered, pub)).toBe(false);
  });

  it('keeps exact matching for localhost registrations, even for public clients', () => {
    expect(isRegisteredRedirectUri('http://localhost:5001/cb', ['http://localhost:5000/cb'], pub)).toBe(
      false,
    );
    expect(isRegisteredRedirectUri('http://localhost:5000/cb', ['http://localhost:5000/cb'], pub)).toBe(true);
  });

  it('keeps exact matching for confidential clients (SEC-01)', () => {
    expect(isRegisteredRedirectUri('http://127.0.0.1:5000/cb', registered)).toBe(false);
    expect(isRegisteredRedirectUri('http://127.0.0.1:5000/cb', registered, { publicClient: false })).toBe(
      false,
    );
    expect(isRegisteredRedirectUri('http://127.0.0.1/cb', registered)).toBe(true);
  });

  it('is symmetric in what it strips', () => {
    expect(loopbackMatchesAnyPort('http://[::1]:1/x', 'http://[::1]:2/x')).toBe(true);
    expect(loopbackMatchesAnyPort('http://[::1]:1/x', 'http://127.0.0.1:1/x')).toBe(false);
  });
});

describe('private-use URI schemes (RFC 8252 §7.1, SEC-52)', () => {
  const prod = { development: false };
  it('are registrable by public clients with a reverse-domain scheme', () => {
    expect(redirectUriProblem('com.example.app:/oauth/callback', { ...prod, publicClient: true })).toBeNull();
  });

  it('are refused for confidential clients', () => {
    expect(redirectUriProblem('com.example.app:/oauth/callback', prod)).toMatch(/public clients/);
  });

  it.each([
    ['myapp:/cb', /scheme/],
    ['javascript:alert(1)', /scheme/],
    ['data:text/html,hi', /scheme/],
    ['com.example.app://evil.example/cb', /without a host/],
    ['com.example.app:cb', /form/],
    ['com.example.app:/cb#x', /fragment/],
  ])('refuses %s even for public clients', (uri, message) => {
    expect(redirectUriProblem(uri, { ...prod, publicClient: true })).toMatch(message);
  });

  it('are matched exactly', () => {
    const registered = ['com.example.app:/cb'];
    expect(isRegisteredRedirectUri('com.example.app:/cb', registered, pub)).toBe(true);
    expect(isRegisteredRedirectUri('com.example.app:/cb2', registered, pub)).toBe(false);
  });
});
