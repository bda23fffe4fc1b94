import { describe, expect, it } from 'vitest';
import { canonicalEmail, canonicalLogin } from './canonical-email.js';
import { validateNewUser } from './new-user.js';

describe('canonicalEmail (SEC-35)', () => {
  it.each([
    ['m1@example.test', 'm1@example.test'],
    ['m1@ｅxample.test', 'm1@example.test'],
    ['M1@EXAMPLE.TEST', 'm1@example.test'],
    ['ｍ１@example.test', 'm1@example.test'],
    ['user@bücher.example', 'user@xn--bcher-kva.example'],
    ['user@BÜCHER.example', 'user@xn--bcher-kva.example'],
    ['user@xn--bcher-kva.example', 'user@xn--bcher-kva.example'],
  ])('%s → %s', (email, canonical) => {
    expect(canonicalEmail(email)).toBe(canonical);
  });

  it('refuses an address whose domain has no ASCII form', () => {
    expect(canonicalEmail('a@exa mple.test')).toBeNull();
    expect(canonicalEmail('no-at-sign')).toBeNull();
  });

  it('canonicalises logins that are addresses, keeps usernames', () => {
    expect(canonicalLogin('M1@ｅxample.test')).toBe('m1@example.test');
    expect(canonicalLogin('Alice')).toBe('Alice');
  });

  it('validateNewUser returns the canonical address', () => {
    const checked = validateNewUser({
      username: 'alice',
      email: 'Alice@ｅxample.test',
      password: 'long enough pw',
    });
    expect(checked).toMatchObject({ ok: true, value: { email: 'alice@example.test' } });
  });
});
