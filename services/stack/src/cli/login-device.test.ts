import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomToken, sha256Hex, TOKEN_PREFIX } from '@gatehouse/core';
import { hashPassword } from '@gatehouse/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpBrowser, readInputs } from '../flow/http-browser.js';
import { type RunningStack, startTestStack } from '../running-stack.js';

const BIN = fileURLToPath(new URL('../../bin/gatehouse.js', import.meta.url));

describe('gatehouse login --device (RFC 8628)', () => {
  let stack: RunningStack;
  const user = { username: 'cli-dev', password: 'cli dev password 1' };
  const secret = randomToken(TOKEN_PREFIX.clientSecret);

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
    await stack.stores.db.clients.create({
      clientId: 'gh_tv_confidential',
      secretHash: sha256Hex(secret),
      name: 'Living-room TV',
      redirectUris: ['https://tv.example.com/cb'],
      deviceGrantEnabled: true,
    });
    await stack.stores.db.clients.create({
      clientId: 'gh_no_device',
      secretHash: null,
      name: 'No device sign-in',
      redirectUris: ['http://127.0.0.1/cb'],
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  /** Runs the CLI; `url` resolves with the URL it prints, `exited` with its exit code. */
  function run(clientId: string, env: Record<string, string> = {}) {
    const child = spawn(
      process.execPath,
      [BIN, 'login', '--device', '--issuer', stack.origin, '--client-id', clientId, '--json'],
      { env: { ...process.env, GATEHOUSE_ADMIN_TOKEN: '', GATEHOUSE_CLIENT_SECRET: '', ...env } },
    );
    const output = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk) => {
      output.stdout += chunk;
    });
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    const url = new Promise<string>((resolve) => {
      child.stderr.on('data', (chunk) => {
        output.stderr += chunk;
        const match = /Open (\S+) in a browser/.exec(output.stderr);
        if (match) resolve(match[1]!);
      });
    });
    return { output, exited, url };
  }

  /** What a person does in a browser with the printed URL. */
  async function decide(url: string, decision: 'approve' | 'deny') {
    const browser = new HttpBrowser(stack.origin);
    const target = new URL(url);
    const toLogin = await browser.request(target.pathname + target.search);
    const loginPath = toLogin.headers.get('location')!;
    const fields = readInputs(await (await browser.request(loginPath)).text());
    const login = await browser.request(loginPath, { form: { ...fields, ...user } });
    const entry = readInputs(await (await browser.request(login.headers.get('location')!)).text());
    const consent = readInputs(await (await browser.request('/device', { form: entry })).text());
    await browser.request('/device/decision', { form: { ...consent, decision } });
  }

  it('public client: prints the code, waits for the approval in a browser, then prints the tokens', async () => {
    const cli = run('gh_cli_device');
    const url = await cli.url;
    expect(cli.output.stderr).toMatch(/the code [A-Z]{4}-[A-Z]{4}/);
    expect(cli.output.stderr).toMatch(/Waiting for approval… \(the code expires in 10:00\)/);
    await decide(url, 'approve');
    expect(await cli.exited).toBe(0);
    expect(cli.output.stderr).toContain('Approved.');
    expect(JSON.parse(cli.output.stdout)).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.stringMatching(/^gth_at_/),
    });
  }, 30_000);

  it('confidential client: the secret comes from GATEHOUSE_CLIENT_SECRET and never reaches the output', async () => {
    const cli = run('gh_tv_confidential', { GATEHOUSE_CLIENT_SECRET: secret });
    await decide(await cli.url, 'approve');
    expect(await cli.exited).toBe(0);
    expect(JSON.parse(cli.output.stdout)).toMatchObject({ refresh_token: expect.stringMatching(/^gth_rt_/) });
    expect(cli.output.stdout + cli.output.stderr).not.toContain(secret);

    // Without the secret it says what is missing.
    const missing = run('gh_tv_confidential');
    expect(await missing.exited).toBe(1);
    expect(missing.output.stderr).toContain('it has a secret (set GATEHOUSE_CLIENT_SECRET)');
  }, 30_000);

  it('says what to do when the client may not use device sign-in, and when the person denies', async () => {
    const refused = run('gh_no_device');
    expect(await refused.exited).toBe(1);
    expect(refused.output.stderr).toContain(
      'gh_no_device may not use device sign-in: enable it in the console ("Device sign-in") or with `gatehouse clients allow-device gh_no_device`',
    );

    const denied = run('gh_cli_device');
    await decide(await denied.url, 'deny');
    expect(await denied.exited).toBe(1);
    expect(denied.output.stderr).toContain('sign-in ended: the sign-in was denied in the browser');
    expect(denied.output.stdout).toBe('');
  }, 30_000);
});
