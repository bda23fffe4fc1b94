import { describe, expect, it } from 'vitest';
import { validateAppRegistration, validateAppUpdate } from './app-registration.js';

const prod = { development: false, requireDescription: true };
const prodUpdate = { ...prod, tokenEndpointAuthMethod: 'client_secret_basic' } as const;
const valid = {
  name: 'My App',
  description: 'Shows your balance',
  redirect_uri: 'https://app.example.com/oauth/callback',
};

describe('app registration validation', () => {
  it('accepts redirect_uri as one string', () => {
    expect(validateAppRegistration(valid, prod)).toEqual({
      ok: true,
      value: {
        name: 'My App',
        description: 'Shows your balance',
        homepageUrl: null,
        redirectUris: ['https://app.example.com/oauth/callback'],
        tokenEndpointAuthMethod: 'client_secret_basic',
        allowedOrigins: [],
        deviceGrantEnabled: false,
      },
    });
  });

  it('accepts redirect_uris as an array, and both when redirect_uri is one of them', () => {
    const uris = ['https://app.example.com/cb', 'http://localhost:3001/cb'];
    const many = validateAppRegistration({ ...valid, redirect_uri: undefined, redirect_uris: uris }, prod);
    expect(many.ok && many.value.redirectUris).toEqual(uris);
    const both = validateAppRegistration({ ...valid, redirect_uri: uris[1], redirect_uris: uris }, prod);
    expect(both.ok && both.value.redirectUris).toEqual(uris);
    const clash = validateAppRegistration(
      { ...valid, redirect_uri: 'https://x.example/cb', redirect_uris: uris },
      prod,
    );
    expect(clash).toEqual({
      ok: false,
      problems: [{ field: 'redirect_uri', message: 'must be one of redirect_uris when both are sent' }],
    });
  });

  it('trims the name and description and keeps a valid homepage', () => {
    const result = validateAppRegistration(
      { ...valid, name: '  My App ', homepage_url: 'https://app.example.com' },
      prod,
    );
    expect(result.ok && result.value).toMatchObject({
      name: 'My App',
      homepageUrl: 'https://app.example.com',
    });
  });

  it.each([
    [{ name: '' }, 'name', /is required/],
    [{ name: '   ' }, 'name', /is required/],
    [{ name: 'x'.repeat(101) }, 'name', /at most 100/],
    [{ name: 'a\u0000b' }, 'name', /control/],
    [{ description: undefined }, 'description', /is required/],
    [{ description: 'x'.repeat(1001) }, 'description', /at most 1000/],
    [{ homepage_url: 'http://app.example.com' }, 'homepage_url', /https/],
    [{ homepage_url: 'javascript:alert(1)' }, 'homepage_url', /javascript scheme/],
    [{ homepage_url: 'https://u:p@app.example.com' }, 'homepage_url', /user name/],
    [{ homepage_url: 'app.example.com' }, 'homepage_url', /absolute URL/],
    [{ redirect_uri: undefined }, 'redirect_uris', /is required: send redirect_uri/],
    [{ redirect_uri: 42 }, 'redirect_uri', /must be a string/],
    [
      { redirect_uri: 'http://app.example.com/cb' },
      'redirect_uri',
      /"http:\/\/app.example.com\/cb" must use https/,
    ],
    [{ redirect_uri: 'https://app.example.com/cb#x' }, 'redirect_uri', /fragment/],
    [{ redirect_uri: 'https://*.example.com/cb' }, 'redirect_uri', /wildcard/],
    [{ redirect_uri: 'javascript:alert(1)' }, 'redirect_uri', /javascript scheme/],
    [{ redirect_uri: 'data:text/html,x' }, 'redirect_uri', /data scheme/],
    [{ redirect_uri: '/callback' }, 'redirect_uri', /absolute URL/],
    [{ redirect_uri: undefined, redirect_uris: [] }, 'redirect_uris', /at least one/],
    [{ redirect_uri: undefined, redirect_uris: 'https://a.example/cb' }, 'redirect_uris', /array of strings/],
    [
      {
        redirect_uri: undefined,
        redirect_uris: Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`),
      },
      'redirect_uris',
      /at most 10/,
    ],
  ])('refuses %j, naming %s', (change, field, message) => {
    const result = validateAppRegistration({ ...valid, ...change }, prod);
    expect(result).toEqual({ ok: false, problems: [{ field, message: expect.stringMatching(message) }] });
  });

  it('names the index of the bad entry in redirect_uris, and duplicates', () => {
    const result = validateAppRegistration(
      {
        ...valid,
        redirect_uri: undefined,
        redirect_uris: ['https://a.example/cb', 'http://evil.example/cb', 'https://a.example/cb'],
      },
      prod,
    );
    expect(result.ok === false && result.problems.map((p) => p.field)).toEqual([
      'redirect_uris[1]',
      'redirect_uris[2]',
    ]);
    expect(result.ok === false && result.problems[1]!.message).toMatch(/listed twice/);
  });

  it('allows http for any host in development mode only', () => {
    const uri = { ...valid, redirect_uri: 'http://app.internal/cb', homepage_url: 'http://app.internal' };
    expect(validateAppRegistration(uri, prod).ok).toBe(false);
    expect(validateAppRegistration(uri, { ...prod, development: true }).ok).toBe(true);
  });

  it('makes the description optional when the caller says so', () => {
    const { description: _, ...rest } = valid;
    expect(validateAppRegistration(rest, { development: false }).ok).toBe(true);
  });
});

describe('app update validation', () => {
  it('checks and returns only the fields sent', () => {
    expect(validateAppUpdate({ redirect_uris: ['https://b.example/cb'] }, prodUpdate)).toEqual({
      ok: true,
      value: { redirectUris: ['https://b.example/cb'] },
    });
    expect(validateAppUpdate({ homepage_url: null }, prodUpdate)).toEqual({
      ok: true,
      value: { homepageUrl: null },
    });
  });

  it('refuses an empty change and bad fields', () => {
    expect(validateAppUpdate({}, prodUpdate)).toMatchObject({ ok: false, problems: [{ field: 'body' }] });
    expect(validateAppUpdate({ name: '', redirect_uri: 'http://x.example/cb' }, prodUpdate)).toMatchObject({
      ok: false,
      problems: [{ field: 'name' }, { field: 'redirect_uri' }],
    });
  });
});

describe('client types at registration (SEC-50)', () => {
  it('registers a confidential app by default', () => {
    const result = validateAppRegistration(valid, prod);
    expect(result.ok && result.value.tokenEndpointAuthMethod).toBe('client_secret_basic');
  });

  it('registers a public app with loopback, private-use URIs and web origins', () => {
    const result = validateAppRegistration(
      {
        ...valid,
        redirect_uri: undefined,
        redirect_uris: ['http://127.0.0.1/cb', 'com.example.app:/cb'],
        token_endpoint_auth_method: 'none',
        allowed_origins: ['https://spa.example.com'],
        device_grant_enabled: true,
      },
      prod,
    );
    expect(result).toMatchObject({
      ok: true,
      value: {
        tokenEndpointAuthMethod: 'none',
        allowedOrigins: ['https://spa.example.com'],
        deviceGrantEnabled: true,
      },
    });
  });

  it('refuses an unknown method, and origins or private-use schemes for confidential apps', () => {
    const result = validateAppRegistration(
      {
        ...valid,
        redirect_uri: 'com.example.app:/cb',
        token_endpoint_auth_method: 'private_key_jwt',
        allowed_origins: ['https://spa.example.com'],
      },
      prod,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.field)).toEqual([
      'token_endpoint_auth_method',
      'redirect_uri',
      'allowed_origins',
    ]);
  });

  it('never changes the client type on update', () => {
    expect(validateAppUpdate({ token_endpoint_auth_method: 'none' }, prodUpdate)).toMatchObject({
      ok: false,
      problems: [{ field: 'token_endpoint_auth_method' }],
    });
    expect(
      validateAppUpdate(
        { allowed_origins: ['https://a.example'] },
        { ...prod, tokenEndpointAuthMethod: 'none' },
      ),
    ).toEqual({ ok: true, value: { allowedOrigins: ['https://a.example'] } });
  });
});
