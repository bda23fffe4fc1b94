import { LoginRequiredError } from '@gatehouse/core';
import { type Prompt, signInTooOld } from '@gatehouse/core/authorize';
import type { BrowserSession } from './session.js';

export type SessionCheck = { kind: 'signed_in'; session: BrowserSession } | { kind: 'login' };

/**
 * The service's step between checkPkce and decideConsent: who is asking. No session,
 * `prompt=login` (re-authentication), or a sign-in older than `max_age` → the login page;
 * `prompt=none` then → `login_required` (redirected to the client) instead.
 */
export function checkSession(
  session: BrowserSession | null,
  prompt: Prompt,
  maxAge: number | null = null,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): SessionCheck {
  const stale = session !== null && signInTooOld(session.authTime, maxAge, nowSeconds);
  if (prompt.none) {
    if (!session) throw new LoginRequiredError('the user is not signed in');
    if (stale) throw new LoginRequiredError('the sign-in is older than max_age allows');
    return { kind: 'signed_in', session };
  }
  if (!session || prompt.login || stale) return { kind: 'login' };
  return { kind: 'signed_in', session };
}
