import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { topupLink } from './topup-link.js';

const base = {
  issuer: 'https://auth.example.com',
  clientId: 'gh_abc',
  redirectUris: ['https://app.example.com/oauth/callback', 'http://localhost:3001/oauth/callback'],
};

describe('top-up link (API.md §5)', () => {
  it('names the client', () => {
    expect(topupLink({ ...base, returnUri: undefined })).toBe(
      'https://auth.example.com/topup?client_id=gh_abc',
    );
    expect(topupLink({ ...base, returnUri: '' })).toBe('https://auth.example.com/topup?client_id=gh_abc');
  });

  it('keeps a path in the issuer', () => {
    expect(topupLink({ ...base, issuer: 'https://example.com/auth', returnUri: undefined })).toBe(
      'https://example.com/auth/topup?client_id=gh_abc',
    );
  });

  it('carries a return_uri on the origin of a registered redirect URI, encoded', () => {
    const link = new URL(topupLink({ ...base, returnUri: 'https://app.example.com/wallet?tab=1&x=2' }));
    expect(link.searchParams.get('client_id')).toBe('gh_abc');
    expect(link.searchParams.get('return_uri')).toBe('https://app.example.com/wallet?tab=1&x=2');
    expect(topupLink({ ...base, returnUri: 'http://localhost:3001/done' })).toContain(
      'return_uri=http%3A%2F%2Flocalhost%3A3001%2Fdone',
    );
  });

  it.each([
    'https://evil.example.com/wallet',
    'https://app.example.com:8443/wallet',
    'http://app.example.com/wallet',
    'javascript:alert(1)',
    'https://app.example.com@evil.example.com/',
    '/relative/path',
  ])('refuses %s', (returnUri) => {
    expect(() => topupLink({ ...base, returnUri })).toThrow(InvalidRequestError);
  });

  it('refuses a repeated return_uri', () => {
    expect(() =>
      topupLink({ ...base, returnUri: ['https://app.example.com/a', 'https://evil.example/'] }),
    ).toThrow(/at most once/);
  });
});
