import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { checkPrompt, readAutoAuthorize, withoutLoginPrompt } from './check-prompt.js';
import { readAuthorizationRequest } from './parameters.js';

const prompt = (value?: string) => checkPrompt(readAuthorizationRequest({ prompt: value }));

describe('checkPrompt', () => {
  it('reads none, login, consent and their combinations', () => {
    expect(prompt()).toEqual({ none: false, login: false, consent: false });
    expect(prompt('none')).toEqual({ none: true, login: false, consent: false });
    expect(prompt('login consent')).toEqual({ none: false, login: true, consent: true });
  });

  it('reads select_account as login (one account per user)', () => {
    expect(prompt('select_account')).toEqual({ none: false, login: true, consent: false });
    expect(prompt('select_account consent')).toEqual({ none: false, login: true, consent: true });
    expect(() => prompt('none select_account')).toThrow('cannot be combined');
  });

  it('refuses unknown values and none combined with others', () => {
    expect(() => prompt('create')).toThrow(InvalidRequestError);
    expect(() => prompt('none login')).toThrow('cannot be combined');
    expect(() => prompt('login  consent')).toThrow(InvalidRequestError);
  });

  it('drops login after re-authentication, keeping the rest', () => {
    expect(withoutLoginPrompt(prompt('login consent'))).toBe('consent');
    expect(withoutLoginPrompt(prompt('login'))).toBeUndefined();
  });
});

describe('readAutoAuthorize', () => {
  it('is true only for auto_authorize=true', () => {
    expect(readAutoAuthorize(readAuthorizationRequest({ auto_authorize: 'true' }))).toBe(true);
    expect(readAutoAuthorize(readAuthorizationRequest({ auto_authorize: 'TRUE' }))).toBe(true);
    expect(readAutoAuthorize(readAuthorizationRequest({ auto_authorize: '1' }))).toBe(false);
    expect(readAutoAuthorize(readAuthorizationRequest({}))).toBe(false);
  });
});
