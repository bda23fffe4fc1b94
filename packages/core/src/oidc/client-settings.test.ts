import { describe, expect, it } from 'vitest';
import { readOidcClientSettings, validateOidcClientSettings } from './client-settings.js';

const read = (input: Record<string, unknown>) => readOidcClientSettings(input, { development: false });

describe('OpenID Connect client settings', () => {
  it('reads post-logout redirect URIs and the ID-token alg; absent fields stay absent', () => {
    expect(read({})).toEqual({ ok: true, value: {} });
    expect(
      read({
        post_logout_redirect_uris: ['https://app.example.com/bye'],
        id_token_signed_response_alg: 'ES256',
      }),
    ).toEqual({
      ok: true,
      value: { postLogoutRedirectUris: ['https://app.example.com/bye'], idTokenSignedResponseAlg: 'ES256' },
    });
  });

  it('applies the redirect-URI rules and refuses unknown algs', () => {
    expect(read({ post_logout_redirect_uris: ['http://app.example.com/bye'] }).ok).toBe(false);
    expect(read({ post_logout_redirect_uris: ['https://app.example.com/#x'] }).ok).toBe(false);
    expect(read({ post_logout_redirect_uris: 'https://app.example.com/bye' }).ok).toBe(false);
    expect(read({ id_token_signed_response_alg: 'none' }).ok).toBe(false);
    expect(read({ id_token_signed_response_alg: 'HS256' }).ok).toBe(false);
  });
});

describe('validateOidcClientSettings (the console shows each problem next to its field)', () => {
  it('names the offending URI and its line, and every field with a problem', () => {
    expect(
      validateOidcClientSettings(
        {
          post_logout_redirect_uris: ['https://app.example.com/bye', 'http://app.example.com/bye'],
          id_token_signed_response_alg: 'HS256',
        },
        { development: false },
      ),
    ).toEqual({
      ok: false,
      problems: [
        {
          field: 'post_logout_redirect_uris[1]',
          message: expect.stringMatching(/^"http:\/\/app\.example\.com\/bye" must use https/),
        },
        { field: 'id_token_signed_response_alg', message: 'must be one of RS256, ES256' },
      ],
    });
  });

  it('allows http for any host in development mode, as redirect URIs', () => {
    expect(
      validateOidcClientSettings(
        { post_logout_redirect_uris: ['http://app.internal/bye'] },
        { development: true },
      ),
    ).toEqual({ ok: true, value: { postLogoutRedirectUris: ['http://app.internal/bye'] } });
  });

  it('an empty list clears the URIs', () => {
    expect(validateOidcClientSettings({ post_logout_redirect_uris: [] }, { development: false })).toEqual({
      ok: true,
      value: { postLogoutRedirectUris: [] },
    });
  });
});
