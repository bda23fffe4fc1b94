import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { assertSafeParameters, findUnsafeParameter, isSafeText, parseFormEncoded } from './safe-text.js';

describe('safe text (SEC-30)', () => {
  it('accepts ordinary Unicode, including astral characters', () => {
    expect(isSafeText('café 日本 😀 tab\there')).toBe(true);
  });

  it.each([
    ['NUL', 'gh_x\u0000'],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', '\uDC00'],
    ['the replacement character left by a UTF-8 decoder', 'bad\uFFFDbytes'],
  ])('refuses %s', (_label, value) => {
    expect(isSafeText(value)).toBe(false);
  });

  it('names the first unsafe parameter in nested bodies', () => {
    expect(findUnsafeParameter({ ok: 'x', list: ['y', { deep: 'z\u0000' }] })).toBe('deep');
    expect(findUnsafeParameter({ 'bad\u0000name': 'x' })).toBe('a parameter name');
    expect(findUnsafeParameter({ n: 1, b: true, nothing: null })).toBeNull();
    expect(() => assertSafeParameters({ client_id: 'gh_x\u0000' })).toThrow(InvalidRequestError);
  });

  it('parses form encoding like the lenient parser, repeated names as arrays', () => {
    const parsed = parseFormEncoded('a=1&b=x+y%20z&a=2&flag&=empty&c=caf%C3%A9');
    expect({ ...parsed }).toEqual({ a: ['1', '2'], b: 'x y z', flag: '', '': 'empty', c: 'café' });
    expect(Object.getPrototypeOf(parseFormEncoded('__proto__=x'))).toBeNull();
  });

  it.each([
    ['percent-encoded NUL', 'client_id=gh_x%00'],
    ['an invalid UTF-8 byte', 'client_id=%FF'],
    ['a truncated UTF-8 sequence', 'password=%E2%82'],
    ['an encoded surrogate', 'x=%ED%A0%80'],
    ['a broken percent sequence', 'q=100%'],
  ])('refuses %s with invalid_request', (_label, text) => {
    expect(() => parseFormEncoded(text)).toThrow(InvalidRequestError);
  });
});
