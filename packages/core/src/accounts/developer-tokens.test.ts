import { describe, expect, it } from 'vitest';
import { developerTokenNameProblem } from './developer-tokens.js';

describe('developer token names', () => {
  it.each(['deploy script', 'CI', 'x'.repeat(100), '  padded  '])('accepts %j', (name) => {
    expect(developerTokenNameProblem(name)).toBeNull();
  });

  it.each([
    [undefined, /is required/],
    ['', /is required/],
    ['   ', /is required/],
    [42, /is required/],
    ['x'.repeat(101), /at most 100 characters/],
    ['a\u0000b', /control characters/],
    ['line\nbreak', /control characters/],
  ])('refuses %j', (name, message) => {
    expect(developerTokenNameProblem(name)).toMatch(message);
  });
});
