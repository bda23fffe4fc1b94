import { describe, expect, it } from 'vitest';
import { InvalidRedirectUriError } from '../errors.js';
import { checkRedirectUri } from './check-redirect-uri.js';
import { readAuthorizationRequest } from './parameters.js';

const registered = 'https://app.example.com/oauth/callback';
const app = {
  redirectUris: ['https://other.example.com/cb', registered],
  tokenEndpointAuthMethod: 'client_secret_basic' as const,
};

function check(redirect_uri: string | string[] | undefined) {
  return () => checkRedirectUri(readAuthorizationRequest({ redirect_uri }), app);
}

describe('checkRedirectUri', () => {
  it('accepts a registered URI character for character', () => {
    expect(check(registered)()).toBe(registered);
  });

  it.each([
    ['trailing slash', `${registered}/`],
    ['upper-case host', 'https://APP.example.com/oauth/callback'],
    ['upper-case path', 'https://app.example.com/oauth/Callback'],
    ['added query', `${registered}?next=1`],
    ['prefix only', 'https://app.example.com/oauth'],
    ['longer path', `${registered}/../callback`],
    ['userinfo', 'https://app.example.com@evil.example/oauth/callback'],
    ['userinfo before host', 'https://evil.example@app.example.com/oauth/callback'],
    ['http instead of https', 'http://app.example.com/oauth/callback'],
    ['explicit default port', 'https://app.example.com:443/oauth/callback'],
    ['percent-encoded path', 'https://app.example.com/oauth/%63allback'],
    ['fragment', `${registered}#x`],
  ])('refuses a %s variant as non-redirectable', (_name, uri) => {
    let thrown: unknown;
    try {
      check(uri)();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidRedirectUriError);
    expect((thrown as InvalidRedirectUriError).redirectable).toBe(false);
    expect((thrown as InvalidRedirectUriError).code).toBe('invalid_request');
  });

  it('refuses a missing or repeated redirect_uri as non-redirectable', () => {
    expect(check(undefined)).toThrow('the request has no redirect_uri');
    expect(check([registered, registered])).toThrow('redirect_uri must not be repeated');
    expect(check([registered, registered])).toThrow(InvalidRedirectUriError);
  });
});

describe('checkRedirectUri and legacy URIs (SEC-31)', () => {
  it('never returns a registered URI that is not visible ASCII', () => {
    const legacy = {
      tokenEndpointAuthMethod: 'client_secret_basic' as const,
      redirectUris: ['https://app.example.com/cb\tx', 'https://app.example.com/日本'],
    };
    for (const uri of legacy.redirectUris) {
      expect(() => checkRedirectUri(readAuthorizationRequest({ redirect_uri: uri }), legacy)).toThrow(
        InvalidRedirectUriError,
      );
    }
  });
});
