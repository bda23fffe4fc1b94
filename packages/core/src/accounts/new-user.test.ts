import { describe, expect, it } from 'vitest';
import { validateNewUser } from './new-user.js';
import { describeProblems } from './problems.js';

const valid = { username: 'alice_01', email: 'alice@example.com', password: 'correct horse' };

describe('new user validation', () => {
  it('accepts a valid user and returns the values unchanged', () => {
    expect(validateNewUser(valid)).toEqual({ ok: true, value: valid });
  });

  it.each(['abc', 'a'.repeat(32), 'A.b-c_9', '...'])('accepts username %s', (username) => {
    expect(validateNewUser({ ...valid, username }).ok).toBe(true);
  });

  it.each([
    ['ab', /3 to 32 characters \(got 2\)/],
    ['a'.repeat(33), /3 to 32 characters \(got 33\)/],
    ['has space', /may contain only/],
    ['émile', /may contain only/],
    ['a@b', /may contain only/],
    ['', /is required/],
  ])('refuses username %j, saying why', (username, message) => {
    const result = validateNewUser({ ...valid, username });
    expect(result).toEqual({
      ok: false,
      problems: [{ field: 'username', message: expect.stringMatching(message) }],
    });
  });

  it.each(['a@example.com', 'first.last+tag@mail.example.co.uk', 'x@xn--bcher-kva.example'])(
    'accepts email %s',
    (email) => {
      expect(validateNewUser({ ...valid, email }).ok).toBe(true);
    },
  );

  it.each([
    ['alice', /exactly one "@"/],
    ['a@b@example.com', /exactly one "@"/],
    ['@example.com', /before the "@"/],
    ['alice@localhost', /domain/],
    ['alice@example.', /domain/],
    ['alice@-example.com', /domain/],
    ['ali ce@example.com', /spaces/],
    ['alice@example.com\n', /spaces or control/],
    [`${'a'.repeat(250)}@example.com`, /at most 254/],
    [42, /is required/],
  ])('refuses email %j, saying why', (email, message) => {
    const result = validateNewUser({ ...valid, email });
    expect(result).toEqual({
      ok: false,
      problems: [{ field: 'email', message: expect.stringMatching(message) }],
    });
  });

  it('requires at least 10 characters of password, counted as characters, not bytes', () => {
    expect(validateNewUser({ ...valid, password: '123456789' })).toEqual({
      ok: false,
      problems: [{ field: 'password', message: 'must be at least 10 characters (got 9)' }],
    });
    expect(validateNewUser({ ...valid, password: '1234567890' }).ok).toBe(true);
    // Nine emoji are 18 UTF-16 units but nine characters.
    expect(validateNewUser({ ...valid, password: '🔑'.repeat(9) }).ok).toBe(false);
  });

  it('refuses absurdly long passwords before anyone hashes them', () => {
    expect(validateNewUser({ ...valid, password: 'x'.repeat(1025) }).ok).toBe(false);
  });

  it('reports every problem at once, in a single line for APIs', () => {
    const result = validateNewUser({ username: 'x', email: 'nope' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(['username', 'email', 'password']);
    expect(describeProblems(result.problems)).toBe(
      'username must be 3 to 32 characters (got 1); email must look like name@example.com (exactly one "@"); password is required',
    );
  });
});
