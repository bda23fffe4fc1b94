import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '@gatehouse/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpBrowser, readInputs } from '../flow/http-browser.js';
import { type RunningStack, startTestStack } from '../running-stack.js';

const BIN = fileURLToPath(new URL('../../bin/gatehouse.js', import.meta.url));

describe('gatehouse login --device (RFC 8628)', () => {
  let stack: RunningStack;
  const user = { username: 'cli-dev', password: 'cli dev password 1' };

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.stores.db.users.create({
      username: user.username,
      email: 'cli-dev@example.com',
      passwordHash: await hashPassword(user.password),
    });
    await stack.stores.db.clients.create({
      clientId: 'gh_cli_device',
      secretHash: null,
      name: 'Gatehouse CLI',
      redirectUris: ['http://127.0.0.1/cb'],
      deviceGrantEnabled: true,
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('prints the code, waits for the approval in a browser, then prints the tokens', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'login', '--device', '--issuer', stack.origin, '--client-id', 'gh_cli_device', '--json'],
      { env: { ...process.env, GATEHOUSE_ADMIN_TOKEN: '' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    const url = await new Promise<string>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        const match = /Open (\S+) in a browser/.exec(stderr);
        if (match) resolve(match[1]!);
      });
    });
    expect(stderr).toMatch(/the code [A-Z]{4}-[A-Z]{4}/);

    const browser = new HttpBrowser(stack.origin);
    const target = new URL(url);
    const toLogin = await browser.request(target.pathname + target.search);
    const loginPath = toLogin.headers.get('location')!;
    const fields = readInputs(await (await browser.request(loginPath)).text());
    const login = await browser.request(loginPath, { form: { ...fields, ...user } });
    const entry = readInputs(await (await browser.request(login.headers.get('location')!)).text());
    const consent = readInputs(await (await browser.request('/device', { form: entry })).text());
    await browser.request('/device/decision', { form: { ...consent, decision: 'approve' } });

    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.stringMatching(/^gth_at_/),
    });
  }, 30_000);
});
