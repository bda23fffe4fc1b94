import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { checkState, echoableState, MAX_STATE_LENGTH } from './check-state.js';
import { readAuthorizationRequest } from './parameters.js';

const raw = (state: string | string[] | undefined) => readAuthorizationRequest({ state });

describe('checkState', () => {
  it('returns the state unchanged, odd printable characters included', () => {
    const odd = ` a+b%20c&d=e/f?g#h'"<>\\{}|^~\`!*()[];:@$,`;
    expect(checkState(raw(odd))).toBe(odd);
    expect(checkState(raw('x'.repeat(MAX_STATE_LENGTH)))).toHaveLength(MAX_STATE_LENGTH);
  });

  it('requires a state of 1–512 printable ASCII characters', () => {
    expect(() => checkState(raw(undefined))).toThrow(InvalidRequestError);
    expect(() => checkState(raw(''))).toThrow('the request has no state');
    expect(() => checkState(raw('x'.repeat(MAX_STATE_LENGTH + 1)))).toThrow('at most 512');
    expect(() => checkState(raw('tab\there'))).toThrow('printable ASCII');
    expect(() => checkState(raw('café'))).toThrow('printable ASCII');
    expect(() => checkState(raw(['a', 'b']))).toThrow('must not be repeated');
  });
});

describe('state with PKCE (SEC-40)', () => {
  const pkce = (extra: Record<string, string | string[]>) =>
    readAuthorizationRequest({ code_challenge: 'c'.repeat(43), code_challenge_method: 'S256', ...extra });

  it('may be omitted when an S256 code_challenge is present', () => {
    expect(checkState(pkce({}))).toBeNull();
    expect(checkState(pkce({ state: 'abc' }))).toBe('abc');
  });

  it('is still required without PKCE, with a challenge of another method, and checked when sent', () => {
    expect(() => checkState(raw(undefined))).toThrow('the request has no state');
    expect(() =>
      checkState(
        readAuthorizationRequest({ code_challenge: 'c'.repeat(43), code_challenge_method: 'plain' }),
      ),
    ).toThrow('the request has no state');
    expect(() => checkState(readAuthorizationRequest({ code_challenge: 'c'.repeat(43) }))).toThrow(
      'the request has no state',
    );
    expect(() => checkState(pkce({ state: ['a', 'b'] }))).toThrow('must not be repeated');
    expect(() => checkState(pkce({ state: 'café' }))).toThrow('printable ASCII');
  });
});

describe('echoableState', () => {
  it('echoes only a valid state', () => {
    expect(echoableState(raw('abc'))).toBe('abc');
    expect(echoableState(raw(undefined))).toBeNull();
    expect(echoableState(raw('x'.repeat(MAX_STATE_LENGTH + 1)))).toBeNull();
    expect(echoableState(raw(['a', 'b']))).toBeNull();
  });
});
