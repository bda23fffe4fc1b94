import { describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../errors.js';
import { appendQuery, errorRedirectUrl, successRedirectUrl } from './response.js';

const issuer = 'https://id.example.com';

describe('authorization responses', () => {
  it('appends with ? or & and round-trips odd values byte for byte', () => {
    const state = ` a+b%20c&d=e/f?g#h'"<>\\{}|^~\`!*()`;
    const plain = new URL(successRedirectUrl('https://app.example.com/cb', 'gth_ac_x', state, issuer));
    expect(plain.searchParams.get('state')).toBe(state);
    expect([...plain.searchParams.keys()]).toEqual(['code', 'state', 'iss']);
    expect(plain.searchParams.get('iss')).toBe(issuer);

    const withQuery = successRedirectUrl('https://app.example.com/cb?tenant=1', 'c', 's', issuer);
    expect(withQuery).toBe(
      `https://app.example.com/cb?tenant=1&code=c&state=s&iss=${encodeURIComponent(issuer)}`,
    );
  });

  it('leaves state out of a success redirect when the request had none', () => {
    const url = new URL(successRedirectUrl('https://app.example.com/cb', 'c', null, issuer));
    expect([...url.searchParams.keys()]).toEqual(['code', 'iss']);
  });

  it('encodes spaces as %20 so decodeURIComponent-based clients see them too', () => {
    expect(appendQuery('https://a.example/cb', [['state', 'a b+c']])).toBe(
      'https://a.example/cb?state=a%20b%2Bc',
    );
  });

  it('keeps a fragment last and handles a URI ending in ?', () => {
    expect(appendQuery('https://a.example/cb#f', [['x', '1']])).toBe('https://a.example/cb?x=1#f');
    expect(appendQuery('https://a.example/cb?', [['x', '1']])).toBe('https://a.example/cb?x=1');
  });

  it('puts error, error_description, state and iss on error redirects; state only when known', () => {
    const error = new AccessDeniedError('the user denied access');
    const withState = new URL(errorRedirectUrl('https://a.example/cb', error, 'st', issuer));
    expect(Object.fromEntries(withState.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'the user denied access',
      state: 'st',
      iss: issuer,
    });
    const withoutState = new URL(errorRedirectUrl('https://a.example/cb', error, null, issuer));
    expect(withoutState.searchParams.has('state')).toBe(false);
    expect(withoutState.searchParams.get('iss')).toBe(issuer);
  });
});
