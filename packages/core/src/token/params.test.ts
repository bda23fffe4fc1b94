import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { optionalParam, readParams, refuseSecretsInQuery, requiredParam } from './params.js';

describe('request parameters (RFC 6749 §3.2)', () => {
  it('accepts an object of strings as it is and an absent body as empty', () => {
    const body = { grant_type: 'refresh_token', refresh_token: 'gth_rt_x' };
    expect(readParams(body)).toBe(body);
    expect(readParams(undefined)).toEqual({});
  });

  it('refuses repeated parameters (arrays from the form parser)', () => {
    expect(() => readParams({ grant_type: ['authorization_code', 'refresh_token'] })).toThrow(
      /grant_type must not be repeated/,
    );
  });

  it('refuses bodies that are not parameter objects, and non-string values', () => {
    expect(() => readParams('grant_type=x')).toThrow(InvalidRequestError);
    expect(() => readParams([{ grant_type: 'x' }])).toThrow(InvalidRequestError);
    expect(() => readParams({ code: 42 })).toThrow(/code must be a string/);
    expect(() => readParams({ code: { nested: 'x' } })).toThrow(/code must be a string/);
  });

  it('treats empty values as omitted (RFC 6749 §3.1)', () => {
    expect(optionalParam({ scope: '' }, 'scope')).toBeUndefined();
    expect(optionalParam({ scope: 'profile' }, 'scope')).toBe('profile');
    expect(() => requiredParam({ code: '' }, 'code')).toThrow(/code is required/);
    expect(requiredParam({ code: 'c' }, 'code')).toBe('c');
  });

  it('refuses secrets in the URL query and ignores other query parameters', () => {
    for (const name of ['client_secret', 'code', 'refresh_token', 'token', 'code_verifier']) {
      expect(() => refuseSecretsInQuery({ [name]: 'x' })).toThrow(InvalidRequestError);
    }
    expect(() => refuseSecretsInQuery({ client_id: 'app', foo: 'bar' })).not.toThrow();
  });
});
