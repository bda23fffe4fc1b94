import { hashPassword } from '@gatehouse/service-kit';
import { HttpBrowser, type RunningStack, readInputs, startTestStack } from '@gatehouse/stack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevicePrompt, deviceLogin, OAuthResponseError } from './index.js';

/** `deviceLogin()` against the real Gatehouse; a person approves on /device while the CLI waits. */
describe('deviceLogin against the running stack', () => {
  let stack: RunningStack;
  const clientId = 'gh_sdk_device';
  const user = { username: 'sdk-dora', password: 'sdk dora password 1' };

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.stores.db.users.create({
      username: user.username,
      email: 'dora@example.com',
      passwordHash: await hashPassword(user.password),
    });
    await stack.stores.db.clients.create({
      clientId,
      secretHash: null,
      name: 'SDK Terminal',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['profile', 'balance'],
      deviceGrantEnabled: true,
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  /** What the person does in a browser: sign in at the complete URI, confirm the code, decide. */
  async function answer(prompt: DevicePrompt, decision: 'approve' | 'deny'): Promise<void> {
    const browser = new HttpBrowser(stack.origin);
    const url = new URL(prompt.verificationUriComplete!);
    const toLogin = await browser.request(url.pathname + url.search);
    const loginPath = toLogin.headers.get('location')!;
    const fields = readInputs(await (await browser.request(loginPath)).text());
    const login = await browser.request(loginPath, { form: { ...fields, ...user } });
    const entry = readInputs(await (await browser.request(login.headers.get('location')!)).text());
    const consent = await browser.request('/device', { form: entry });
    const form = readInputs(await consent.text());
    await browser.request('/device/decision', { form: { ...form, decision } });
  }

  it('shows the code, waits the interval, and returns tokens once the person approves', async () => {
    let prompt: DevicePrompt | undefined;
    const waits: number[] = [];
    const tokens = await deviceLogin({
      issuer: stack.origin,
      clientId,
      scope: 'profile balance',
      onPrompt: (p) => {
        prompt = p;
      },
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 1) await answer(prompt!, 'approve');
      },
    });
    expect(prompt?.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(prompt?.verificationUri).toBe(`${stack.origin}/device`);
    expect(waits).toEqual([5000]);
    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'profile balance' });
    expect(tokens.refreshToken).toMatch(/^gth_rt_/);
  });

  it('ends with access_denied when the person denies', async () => {
    let prompt: DevicePrompt | undefined;
    const login = deviceLogin({
      issuer: stack.origin,
      clientId,
      onPrompt: (p) => {
        prompt = p;
      },
      sleep: () => answer(prompt!, 'deny'),
    });
    await expect(login).rejects.toBeInstanceOf(OAuthResponseError);
    await expect(login).rejects.toMatchObject({ error: 'access_denied' });
  });
});
