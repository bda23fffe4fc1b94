import { describe, expect, it } from 'vitest';
import { InvalidScopeError } from '../errors.js';
import { checkScope } from './check-scope.js';
import { readAuthorizationRequest } from './parameters.js';

const check = (scope: string | undefined, allowedScopes = ['profile', 'balance']) =>
  checkScope(readAuthorizationRequest({ scope }), { allowedScopes });

describe('checkScope', () => {
  it('returns the requested scopes in canonical order', () => {
    expect(check('balance profile')).toEqual(['profile', 'balance']);
    expect(check('balance')).toEqual(['balance']);
  });

  it('falls back to the default scope when none is asked', () => {
    expect(check(undefined)).toEqual(['profile']);
  });

  it('refuses unknown scopes and scopes the client may not request', () => {
    expect(() => check('profile admin')).toThrow(InvalidScopeError);
    expect(() => check('balance', ['profile'])).toThrow(InvalidScopeError);
    expect(() => check('profile  balance')).toThrow(InvalidScopeError);
  });
});
