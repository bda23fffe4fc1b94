import { describe, expect, it } from 'vitest';
import { InvalidScopeError } from '../errors.js';
import { coversScopes, formatScope, narrowScopes, parseScope, resolveRequestedScopes } from './scopes.js';

describe('scopes', () => {
  it('parses, dedupes and orders canonically', () => {
    expect(parseScope('balance profile balance')).toEqual(['profile', 'balance']);
    expect(parseScope(undefined)).toEqual([]);
    expect(formatScope(['balance', 'profile'])).toBe('profile balance');
  });

  it('rejects doubled spaces and illegal characters', () => {
    expect(() => parseScope('profile  balance')).toThrow(InvalidScopeError);
    expect(() => parseScope('pro"file')).toThrow(InvalidScopeError);
  });

  it('falls back to the default scope and refuses unknown or disallowed scopes', () => {
    expect(resolveRequestedScopes('', ['profile', 'balance'])).toEqual(['profile']);
    expect(resolveRequestedScopes('balance', ['profile', 'balance'])).toEqual(['balance']);
    expect(() => resolveRequestedScopes('admin', ['profile', 'balance'])).toThrow(/unknown scope/);
    expect(() => resolveRequestedScopes('balance', ['profile'])).toThrow(/may not request/);
    expect(() => resolveRequestedScopes(undefined, ['balance'])).toThrow(/no default scope/);
  });

  it('lets every client ask for the identity scopes openid and email, in canonical order', () => {
    expect(resolveRequestedScopes('email balance openid profile', ['profile', 'balance'])).toEqual([
      'openid',
      'profile',
      'email',
      'balance',
    ]);
    expect(resolveRequestedScopes('openid', ['balance'])).toEqual(['openid']);
  });

  it('knows when granted scopes cover a request', () => {
    expect(coversScopes(['profile', 'balance'], ['balance'])).toBe(true);
    expect(coversScopes(['profile'], ['profile', 'balance'])).toBe(false);
  });

  it('lets a refresh narrow but never widen', () => {
    expect(narrowScopes(undefined, ['profile', 'balance'])).toEqual(['profile', 'balance']);
    expect(narrowScopes('balance', ['profile', 'balance'])).toEqual(['balance']);
    expect(() => narrowScopes('profile balance', ['profile'])).toThrow(InvalidScopeError);
  });
});
