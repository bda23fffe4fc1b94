import { describe, expect, it } from 'vitest';
import { passkeyNameProblem, relyingParty } from './passkeys.js';

describe('passkey rules', () => {
  it('the relying party is the issuer: host as RP ID, origin as the one accepted origin', () => {
    expect(relyingParty('https://id.example.com')).toEqual({
      rpId: 'id.example.com',
      origin: 'https://id.example.com',
      name: 'Gatehouse',
    });
    expect(relyingParty('http://127.0.0.1:4000').origin).toBe('http://127.0.0.1:4000');
  });

  it('names: present, short, no control characters', () => {
    expect(passkeyNameProblem('Laptop')).toBeNull();
    expect(passkeyNameProblem('  ')).toBe('is required');
    expect(passkeyNameProblem('x'.repeat(61))).toBe('must be at most 60 characters');
    expect(passkeyNameProblem('a\nb')).toBe('must not contain control characters');
  });
});
