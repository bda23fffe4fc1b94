import { describe, expect, it } from 'vitest';
import { InvalidClientError, InvalidRequestError } from '../errors.js';
import { parseBasicCredentials, parseBearerToken } from './http-auth.js';

const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;

describe('Basic client credentials (RFC 6749 §2.3.1)', () => {
  it('form-url-decodes both halves', () => {
    expect(parseBasicCredentials(basic('my%3Aclient:s%2Bcr+t%25'))).toEqual({
      clientId: 'my:client',
      clientSecret: 's+cr t%',
    });
  });

  it('splits at the first colon and accepts any scheme case', () => {
    expect(parseBasicCredentials(`bAsIc ${Buffer.from('a:b:c').toString('base64')}`)).toEqual({
      clientId: 'a',
      clientSecret: 'b:c',
    });
  });

  it('ignores other schemes and refuses malformed Basic', () => {
    expect(parseBasicCredentials(undefined)).toBeNull();
    expect(parseBasicCredentials('Bearer abc')).toBeNull();
    expect(() => parseBasicCredentials(basic('nocolon'))).toThrow(InvalidClientError);
    expect(() => parseBasicCredentials(basic('a:%E0%A4%A'))).toThrow(InvalidClientError);
  });
});

describe('Bearer tokens (RFC 6750 §2.1)', () => {
  it('accepts any scheme case', () => {
    expect(parseBearerToken('Bearer gth_at_abc')).toBe('gth_at_abc');
    expect(parseBearerToken('bearer gth_at_abc')).toBe('gth_at_abc');
    expect(parseBearerToken('BEARER gth_at_abc')).toBe('gth_at_abc');
  });

  it('returns null without a header or for another scheme, and refuses malformed Bearer headers', () => {
    expect(parseBearerToken(undefined)).toBeNull();
    expect(parseBearerToken('Basic abc')).toBeNull();
    expect(parseBearerToken('Bearerish abc')).toBeNull();
    expect(() => parseBearerToken('Bearer')).toThrow(InvalidRequestError);
    expect(() => parseBearerToken('Bearer   ')).toThrow(InvalidRequestError);
    expect(() => parseBearerToken('Bearer a b')).toThrow(InvalidRequestError);
  });
});
