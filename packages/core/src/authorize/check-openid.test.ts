import { describe, expect, it } from 'vitest';
import {
  InvalidRequestError,
  RegistrationNotSupportedError,
  RequestNotSupportedError,
  RequestUriNotSupportedError,
} from '../errors.js';
import { checkOpenIdParameters, loginHintPrefill, signInTooOld } from './check-openid.js';
import { readAuthorizationRequest } from './parameters.js';

const check = (query: Record<string, string>) => () => checkOpenIdParameters(readAuthorizationRequest(query));

describe('checkOpenIdParameters', () => {
  it('reads nonce, max_age, login_hint and ui_locales', () => {
    expect(
      check({ nonce: 'n-0S6_WzA2Mj', max_age: '300', login_hint: 'demo', ui_locales: 'en de' })(),
    ).toEqual({
      nonce: 'n-0S6_WzA2Mj',
      maxAge: 300,
      loginHint: 'demo',
      uiLocales: 'en de',
    });
    expect(check({})()).toEqual({ nonce: null, maxAge: null, loginHint: null, uiLocales: null });
    expect(check({ max_age: '0' })().maxAge).toBe(0);
  });

  it('refuses request objects, request_uri, registration and claims with their own errors', () => {
    expect(check({ request: 'eyJ...' })).toThrow(RequestNotSupportedError);
    expect(check({ request_uri: 'https://x' })).toThrow(RequestUriNotSupportedError);
    expect(check({ registration: '{}' })).toThrow(RegistrationNotSupportedError);
    expect(check({ claims: '{"id_token":{}}' })).toThrow(InvalidRequestError);
  });

  it('refuses a malformed max_age or nonce', () => {
    expect(check({ max_age: '-1' })).toThrow('max_age');
    expect(check({ max_age: '1.5' })).toThrow('max_age');
    expect(check({ nonce: 'n'.repeat(513) })).toThrow('nonce');
    expect(check({ nonce: 'tab\there' })).toThrow('nonce');
  });
});

describe('signInTooOld', () => {
  it('asks again when the sign-in is older than max_age, and always for max_age=0', () => {
    expect(signInTooOld(1000, null, 99_999)).toBe(false);
    expect(signInTooOld(1000, 300, 1300)).toBe(false);
    expect(signInTooOld(1000, 300, 1301)).toBe(true);
    expect(signInTooOld(1000, 0, 1000)).toBe(true);
  });
});

describe('loginHintPrefill', () => {
  it('prefills a username or e-mail address, trimmed', () => {
    expect(loginHintPrefill('demo')).toBe('demo');
    expect(loginHintPrefill('  kim@example.test ')).toBe('kim@example.test');
    expect(loginHintPrefill('"><script>alert(1)</script>')).toBe('"><script>alert(1)</script>');
  });

  it('prefills nothing for what the field could not hold', () => {
    expect(loginHintPrefill(null)).toBe('');
    expect(loginHintPrefill(undefined)).toBe('');
    expect(loginHintPrefill('a'.repeat(255))).toBe('');
    expect(loginHintPrefill('demo\nsecond line')).toBe('');
    expect(loginHintPrefill(`demo${String.fromCharCode(0)}`)).toBe('');
    expect(loginHintPrefill('\uD800')).toBe('');
  });
});
