import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { checkRepeatedParameters, readAuthorizationRequest, single } from './parameters.js';

describe('readAuthorizationRequest', () => {
  it('keeps single values and records repeated names apart', () => {
    const raw = readAuthorizationRequest({ client_id: 'c1', scope: ['profile', 'balance'], state: 'xyz' });
    expect(raw.params).toEqual({ client_id: 'c1', state: 'xyz' });
    expect([...raw.repeated]).toEqual(['scope']);
  });

  it('treats empty values as absent and tolerates a missing query', () => {
    expect(readAuthorizationRequest({ client_id: '', state: 's' }).params).toEqual({ state: 's' });
    expect(readAuthorizationRequest(undefined).params).toEqual({});
  });

  it('single() throws the caller-chosen error on a repeated name', () => {
    const raw = readAuthorizationRequest({ a: ['1', '2'], b: '3' });
    expect(single(raw, 'b', () => new Error('x'))).toBe('3');
    expect(single(raw, 'missing', () => new Error('x'))).toBeUndefined();
    expect(() => single(raw, 'a', () => new Error('repeated a'))).toThrow('repeated a');
  });
});

describe('checkRepeatedParameters', () => {
  it('passes a request without repetitions', () => {
    expect(() => checkRepeatedParameters(readAuthorizationRequest({ a: '1', b: '2' }))).not.toThrow();
  });

  it('rejects any repeated parameter with invalid_request naming it', () => {
    const raw = readAuthorizationRequest({ state: ['a', 'b'], response_type: ['code', 'code'] });
    expect(() => checkRepeatedParameters(raw)).toThrow(InvalidRequestError);
    expect(() => checkRepeatedParameters(raw)).toThrow(
      'parameters must not be repeated: response_type, state',
    );
  });
});
