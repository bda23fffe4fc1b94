import { LoginRequiredError } from '@gatehouse/core';
import type { Prompt } from '@gatehouse/core/authorize';
import type { BrowserSession } from '../browser/session.js';

export type SessionCheck = { kind: 'signed_in'; session: BrowserSession } | { kind: 'login' };

/**
 * The service's step between checkPkce and decideConsent: who is asking. No session, or
 * `prompt=login` (re-authentication) → the login page; `prompt=none` without a session
 * → `login_required` (redirected to the client).
 */
export function checkSession(session: BrowserSession | null, prompt: Prompt): SessionCheck {
  if (prompt.none) {
    if (!session) throw new LoginRequiredError('the user is not signed in');
    return { kind: 'signed_in', session };
  }
  if (!session || prompt.login) return { kind: 'login' };
  return { kind: 'signed_in', session };
}
