import { describe, expect, it } from 'vitest';
import { changedAppFields } from './app-changes.js';

const before = {
  name: 'My App',
  description: 'Shows your balance',
  homepageUrl: null,
  redirectUris: ['https://app.example.com/cb'],
  allowedOrigins: [],
  deviceGrantEnabled: false,
};

describe('changedAppFields', () => {
  it('names nothing when every field was sent back unchanged', () => {
    expect(changedAppFields(before, { ...before, redirectUris: [...before.redirectUris] })).toEqual([]);
  });

  it('treats an absent list of sign-out URIs as an empty one; setting the algorithm is a change', () => {
    expect(changedAppFields(before, { ...before, postLogoutRedirectUris: [] })).toEqual([]);
    expect(changedAppFields(before, { ...before, idTokenSignedResponseAlg: 'RS256' })).toEqual([
      'id_token_signed_response_alg',
    ]);
  });

  it('names every changed setting by its wire name, in a fixed order', () => {
    const after = {
      name: 'Renamed',
      description: 'Other',
      homepageUrl: 'https://app.example.com',
      redirectUris: ['https://app.example.com/cb', 'https://app.example.com/cb2'],
      allowedOrigins: ['https://app.example.com'],
      deviceGrantEnabled: true,
      postLogoutRedirectUris: ['https://app.example.com/bye'],
      idTokenSignedResponseAlg: 'ES256' as const,
    };
    expect(changedAppFields(before, after)).toEqual([
      'name',
      'description',
      'homepage_url',
      'redirect_uris',
      'allowed_origins',
      'device_grant_enabled',
      'post_logout_redirect_uris',
      'id_token_signed_response_alg',
    ]);
  });

  it('counts a reordered list as a change (the order is what the app registered)', () => {
    const two = { ...before, redirectUris: ['https://a.example/cb', 'https://b.example/cb'] };
    expect(
      changedAppFields(two, { ...two, redirectUris: ['https://b.example/cb', 'https://a.example/cb'] }),
    ).toEqual(['redirect_uris']);
  });
});
