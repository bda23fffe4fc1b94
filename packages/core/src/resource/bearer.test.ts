import { describe, expect, it } from 'vitest';
import { InvalidRequestError, InvalidTokenError } from '../errors.js';
import {
  bearerChallenge,
  bearerTokenOf,
  MissingBearerTokenError,
  requireAnyScope,
  requireScopes,
  ScopeRequiredError,
} from './bearer.js';

describe('finding the bearer token (RFC 6750 §2)', () => {
  it('reads the Authorization header with any scheme case', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      expect(bearerTokenOf({ authorization: `${scheme} gth_at_abc`, query: {} })).toBe('gth_at_abc');
    }
  });

  it('treats a missing header, an empty one and another scheme as no token (§3.1)', () => {
    for (const authorization of [undefined, '', '   ', 'Basic YTpi', 'Token abc']) {
      expect(() => bearerTokenOf({ authorization, query: {} })).toThrow(MissingBearerTokenError);
    }
  });

  it('refuses a malformed Bearer header as invalid_request', () => {
    for (const authorization of ['Bearer', 'Bearer a b', 'Bearer "x"']) {
      expect(() => bearerTokenOf({ authorization, query: {} })).toThrow(InvalidRequestError);
    }
  });

  it('refuses access_token in the query string, even next to a good header', () => {
    expect(() => bearerTokenOf({ authorization: 'Bearer gth_at_abc', query: { access_token: 'x' } })).toThrow(
      InvalidRequestError,
    );
    expect(() => bearerTokenOf({ authorization: undefined, query: { access_token: '' } })).toThrow(
      /not accepted in the query string/,
    );
  });
});

describe('scope checks', () => {
  it('requires every scope listed', () => {
    expect(() => requireScopes(['profile', 'balance'], ['balance'])).not.toThrow();
    const error = (() => {
      try {
        requireScopes(['profile'], ['balance']);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ScopeRequiredError);
    expect(error).toMatchObject({ status: 403, code: 'insufficient_scope', requiredScopes: ['balance'] });
  });

  it('requireAnyScope needs one of them', () => {
    expect(() => requireAnyScope(['balance'], ['profile', 'balance'])).not.toThrow();
    expect(() => requireAnyScope(['other'], ['profile', 'balance'])).toThrow(ScopeRequiredError);
  });
});

describe('WWW-Authenticate challenges (RFC 6750 §3)', () => {
  it('has no error attribute when no token was sent', () => {
    expect(bearerChallenge('gatehouse', new MissingBearerTokenError())).toBe('Bearer realm="gatehouse"');
    expect(bearerChallenge('gatehouse')).toBe('Bearer realm="gatehouse"');
  });

  it('names the error and its description for a bad token', () => {
    expect(bearerChallenge('gatehouse', new InvalidTokenError('the access token is expired'))).toBe(
      'Bearer realm="gatehouse", error="invalid_token", error_description="the access token is expired"',
    );
  });

  it('names the needed scope for insufficient_scope', () => {
    expect(bearerChallenge('gatehouse', new ScopeRequiredError(['balance']))).toBe(
      'Bearer realm="gatehouse", error="insufficient_scope", error_description="the access token lacks the scope this request needs: balance", scope="balance"',
    );
  });

  it('cannot be broken by quotes, backslashes or line breaks in a description', () => {
    const header = bearerChallenge('gatehouse', new InvalidTokenError('a "quoted"\\ one\r\nX-Evil: 1 é'));
    expect(header).toBe(
      `Bearer realm="gatehouse", error="invalid_token", error_description="a 'quoted'' one''X-Evil: 1 '"`,
    );
  });
});
