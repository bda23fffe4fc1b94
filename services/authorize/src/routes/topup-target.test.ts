import { sampleClient } from '@gatehouse/core/testing';
import { describe, expect, it } from 'vitest';
import { PageError } from '../browser/page-error.js';
import { checkReturnUri, checkTopupTarget, successReturnUrl } from './topup-target.js';

const client = sampleClient({
  clientId: 'gh_target_test',
  secretHash: null,
  name: 'Wallet App',
  homepageUrl: 'https://app.example.com/',
  redirectUris: ['https://app.example.com/oauth/callback', 'http://localhost:5173/cb'],
  allowedScopes: ['balance'],
});

describe('return_uri (API.md §5)', () => {
  it.each([
    'https://app.example.com/wallet',
    'https://app.example.com:443/wallet?tab=billing',
    'https://app.example.com',
    'http://localhost:5173/done#top',
  ])('accepts %s on the origin of a registered redirect URI', (uri) => {
    expect(checkReturnUri(uri, client)).toBe(uri);
  });

  it.each([
    'https://evil.example/wallet',
    'https://app.example.com:8443/wallet',
    'http://app.example.com/wallet',
    'https://app.example.com.evil.example/',
    'javascript:alert(1)',
    'data:text/html,hi',
    'https://app.example.com@evil.example/',
    'https://user:pw@app.example.com/',
    '//evil.example/wallet',
    '/wallet',
    'https://app.example.com\\@evil.example/',
    'https://app.example.com/wal\nlet',
    ' https://app.example.com/wallet',
    `https://app.example.com/${'a'.repeat(2000)}`,
    'http://localhost:5174/cb',
  ])('refuses %s with a 400 page that does not quote it', (uri) => {
    let error: unknown;
    try {
      checkReturnUri(uri, client);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PageError);
    expect((error as PageError).status).toBe(400);
    expect((error as PageError).detail).not.toContain(uri);
  });

  it('needs a client', () => {
    expect(() => checkReturnUri('https://app.example.com/wallet', null)).toThrow(/client_id/);
  });

  it('refuses repeated parameters and treats empty ones as absent', async () => {
    const find = async (id: string) => (id === client.clientId ? client : null);
    await expect(
      checkTopupTarget({ client_id: client.clientId, return_uri: ['https://app.example.com/', 'x'] }, find),
    ).rejects.toThrow(/at most once/);
    await expect(checkTopupTarget({ client_id: '', return_uri: '' }, find)).resolves.toEqual({
      client: null,
      returnUri: null,
    });
    await expect(checkTopupTarget({ client_id: 'gh_nobody' }, find)).rejects.toThrow(/not registered/);
    const disabled = async () => ({ ...client, disabled: true });
    await expect(checkTopupTarget({ client_id: client.clientId }, disabled)).rejects.toThrow(/disabled/);
  });
});

describe('the way back after a top-up', () => {
  it.each([
    ['https://app.example.com/wallet', 'https://app.example.com/wallet?topup=success'],
    [
      'https://app.example.com/wallet?tab=billing&x=1',
      'https://app.example.com/wallet?tab=billing&x=1&topup=success',
    ],
    ['https://app.example.com/w?topup=pending&a=1#frag', 'https://app.example.com/w?topup=success&a=1'],
    ['https://app.example.com/w?#', 'https://app.example.com/w?topup=success'],
    [
      'https://app.example.com/w?q=a+b%20c&u=%C3%A9',
      'https://app.example.com/w?q=a+b+c&u=%C3%A9&topup=success',
    ],
  ])('%s → %s', (returnUri, expected) => {
    const url = successReturnUrl(returnUri);
    expect(url.href).toBe(expected);
  });
});
