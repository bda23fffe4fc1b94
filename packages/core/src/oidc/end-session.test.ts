import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { checkPostLogoutRedirect, logoutNeedsConfirmation } from './end-session.js';

const client = { postLogoutRedirectUris: ['https://app.example.com/bye'], disabled: false };

describe('RP-initiated logout rules (SEC-47)', () => {
  it('accepts only a registered post-logout redirect URI, character for character', () => {
    expect(checkPostLogoutRedirect(client, 'https://app.example.com/bye')).toBe(
      'https://app.example.com/bye',
    );
    expect(checkPostLogoutRedirect(client, undefined)).toBeNull();
    for (const uri of [
      'https://app.example.com/bye/',
      'https://app.example.com/bye?x=1',
      'https://evil.example/',
    ]) {
      expect(() => checkPostLogoutRedirect(client, uri)).toThrow(InvalidRequestError);
    }
    expect(() => checkPostLogoutRedirect(null, 'https://app.example.com/bye')).toThrow('known client_id');
    expect(() =>
      checkPostLogoutRedirect({ ...client, disabled: true }, 'https://app.example.com/bye'),
    ).toThrow();
    expect(() => checkPostLogoutRedirect({ disabled: false }, 'https://app.example.com/bye')).toThrow();
  });

  it('asks for confirmation unless the hint names this user and this session', () => {
    const session = { userId: 7, sid: 's1' };
    expect(logoutNeedsConfirmation({ sub: '7', aud: ['a'], sid: 's1' }, session)).toBe(false);
    expect(logoutNeedsConfirmation(null, session)).toBe(true);
    expect(logoutNeedsConfirmation({ sub: '8', aud: ['a'], sid: 's1' }, session)).toBe(true);
    expect(logoutNeedsConfirmation({ sub: '7', aud: ['a'], sid: 'old' }, session)).toBe(true);
  });
});
