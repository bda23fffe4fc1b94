import { describe, expect, it } from 'vitest';
import { readOidcClientSettings } from './client-settings.js';

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
