import { LoginRequiredError, type User } from '@gatehouse/core';
import type { Prompt } from '@gatehouse/core/authorize';
import { describe, expect, it } from 'vitest';
import { checkSession } from './check-session.js';
import type { BrowserSession } from './session.js';

const user: User = {
  id: 1,
  username: 'alice',
  email: 'alice@example.com',
  emailVerified: false,
  passwordHash: 'x',
  sessionEpoch: 0,
  status: 'active',
  createdAt: new Date(0),
};
const session: BrowserSession = { key: 'k', userId: 1, csrfToken: 't', authTime: 0, user };
const prompt = (p: Partial<Prompt> = {}): Prompt => ({ none: false, login: false, consent: false, ...p });

describe('checkSession', () => {
  it('passes a signed-in user through', () => {
    expect(checkSession(session, prompt())).toEqual({ kind: 'signed_in', session });
    expect(checkSession(session, prompt({ consent: true }))).toEqual({ kind: 'signed_in', session });
  });

  it('sends a signed-out user to the login page', () => {
    expect(checkSession(null, prompt())).toEqual({ kind: 'login' });
  });

  it('asks for the password again under prompt=login, even with a session', () => {
    expect(checkSession(session, prompt({ login: true }))).toEqual({ kind: 'login' });
  });

  it('answers login_required under prompt=none without a session, never showing a page', () => {
    expect(() => checkSession(null, prompt({ none: true }))).toThrow(LoginRequiredError);
    expect(checkSession(session, prompt({ none: true }))).toEqual({ kind: 'signed_in', session });
  });
});
