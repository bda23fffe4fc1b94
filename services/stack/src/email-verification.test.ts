import { createHash, randomBytes } from 'node:crypto';
import { sha256Hex } from '@gatehouse/core';
import { linkIn, type SmtpSink, startSmtpSink } from '@gatehouse/service-kit/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeAsUser, HttpBrowser, readInputs } from './flow/http-browser.js';
import { type RunningStack, startTestStack } from './running-stack.js';

/**
 * SEC-61 through the real HTTP surface: sign up on the page, the verification mail arrives
 * at a real SMTP server, the link is followed, and userinfo and the ID token say so.
 */
describe('verified e-mail end to end (stack on a real port, real SMTP)', () => {
  let stack: RunningStack;
  let sink: SmtpSink;
  const clientId = 'gh_mail_client';
  const clientSecret = 'gth_cs_mail-secret-0123456789abcdefghijklmnopqrstu';
  const redirectUri = 'http://localhost:4997/oauth/callback';

  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await startTestStack({ SMTP_URL: sink.url });
    await stack.stores.db.clients.create({
      clientId,
      secretHash: sha256Hex(clientSecret),
      name: 'Mail App',
      redirectUris: [redirectUri],
      allowedScopes: ['profile'],
    });
  });
  afterAll(async () => {
    await stack?.close();
    await sink?.close();
  });

  async function tokensFor(browser: HttpBrowser, credentials: { username: string; password: string }) {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const url = `/api/oauth2/authorize?${new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid profile email',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`;
    const { callback } = await authorizeAsUser(browser, url, credentials);
    const code = callback.searchParams.get('code');
    expect(code).toBeTruthy();
    const response = await fetch(`${stack.origin}/api/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { access_token: string; id_token: string };
  }

  const userinfo = async (accessToken: string) =>
    (await fetch(`${stack.origin}/api/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${accessToken}` },
    }).then((r) => r.json())) as Record<string, unknown>;

  it('signup → mail at the SMTP sink → link → email_verified: true in userinfo and the ID token', async () => {
    const credentials = { username: 'mira', password: 'a long enough password' };
    const email = 'mira@example.com';
    const browser = new HttpBrowser(stack.origin);
    const form = readInputs(await (await browser.request('/signup')).text());
    const signup = await browser.request('/signup', { form: { ...form, ...credentials, email } });
    expect(signup.status).toBe(303);

    const before = await tokensFor(browser, credentials);
    expect(await userinfo(before.access_token)).toMatchObject({ email, email_verified: false });

    const mail = await sink.waitFor((m) => m.to.includes(email));
    expect(mail.subject).toBe('Confirm your email address');
    const link = new URL(linkIn(mail));
    expect(link.origin).toBe(stack.origin);
    const followed = await new HttpBrowser(stack.origin).request(link.pathname + link.search);
    expect(followed.status).toBe(200);
    expect(await followed.text()).toContain('Email address confirmed');

    // The same access token reads the stored state afresh.
    expect(await userinfo(before.access_token)).toMatchObject({ email, email_verified: true });
    const after = await tokensFor(browser, credentials);
    expect(decodeJwt(after.id_token)).toMatchObject({ email, email_verified: true });
  });
});
