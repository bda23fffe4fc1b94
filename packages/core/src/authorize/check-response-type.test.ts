import { describe, expect, it } from 'vitest';
import { InvalidRequestError, UnsupportedResponseTypeError } from '../errors.js';
import { checkResponseType } from './check-response-type.js';
import { readAuthorizationRequest } from './parameters.js';

const check = (response_type?: string) => () =>
  checkResponseType(readAuthorizationRequest({ response_type }));

describe('checkResponseType', () => {
  it('accepts code', () => {
    expect(check('code')()).toBe('code');
  });

  it('answers unsupported_response_type for anything else', () => {
    for (const value of ['token', 'code id_token', 'CODE', 'id_token']) {
      expect(check(value)).toThrow(UnsupportedResponseTypeError);
    }
  });

  it('answers invalid_request when missing', () => {
    expect(check()).toThrow(InvalidRequestError);
  });
});
