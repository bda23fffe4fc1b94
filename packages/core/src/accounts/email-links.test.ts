import { describe, expect, it } from 'vitest';
import { randomToken, TOKEN_PREFIX } from '../crypto.js';
import { accountMail, EMAIL_LINK_TTL_SECONDS, isLinkToken, sessionIsCurrent } from './email-links.js';

describe('mailed links (SEC-62, SEC-63)', () => {
  it('accepts only gth_el_ tokens of 256 bits', () => {
    expect(isLinkToken(randomToken(TOKEN_PREFIX.emailLink))).toBe(true);
    expect(isLinkToken(randomToken(TOKEN_PREFIX.session))).toBe(false);
    expect(isLinkToken(`${TOKEN_PREFIX.emailLink}short`)).toBe(false);
    expect(isLinkToken(undefined)).toBe(false);
  });

  it('verification lives a day, reset an hour', () => {
    expect(EMAIL_LINK_TTL_SECONDS).toEqual({ verify_email: 86_400, reset_password: 3_600 });
  });

  it('a session is current only at the user epoch; sessions from before epochs count as 0', () => {
    expect(sessionIsCurrent({}, { sessionEpoch: 0 })).toBe(true);
    expect(sessionIsCurrent({}, { sessionEpoch: 1 })).toBe(false);
    expect(sessionIsCurrent({ epoch: 2 }, { sessionEpoch: 2 })).toBe(true);
    expect(sessionIsCurrent({ epoch: 1 }, { sessionEpoch: 2 })).toBe(false);
  });

  it('mails carry the link and say what to do if it was not you', () => {
    const mail = accountMail.reset('kim@example.com', 'kim', 'https://id.example.com/reset-password?token=x');
    expect(mail).toMatchObject({ to: 'kim@example.com', subject: 'Reset your password' });
    expect(mail.text).toContain('https://id.example.com/reset-password?token=x');
    expect(mail.text).toContain('If it was not you');
  });
});
