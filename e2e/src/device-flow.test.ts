/**
 * The device authorization grant (RFC 8628, API.md §12) end to end: the real CLI
 * (`gatehouse login --device`) asks for a code and polls, a person in real Chromium opens the
 * URL it prints, signs in at /device, confirms the code and approves; the CLI then prints tokens.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomId } from '@gatehouse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAtProvider, text, waitForPath } from './flows.js';
import { SKIP_BROWSER, useSuite } from './harness.js';

const CLI = fileURLToPath(new URL('../../services/stack/bin/gatehouse.js', import.meta.url));

describe.skipIf(SKIP_BROWSER)('signing in a terminal tool with a code (Chromium)', () => {
  const suite = useSuite();
  const clientId = `gh_cli_${randomId(6).replace(/[^A-Za-z0-9]/g, 'x')}`;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await suite.world.stack.stores.db.clients.create({
      clientId,
      secretHash: null,
      name: 'Terminal Tool',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['profile', 'balance'],
      deviceGrantEnabled: true,
    });
  });

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill();
  });

  /** `gatehouse login --device`; resolves the URL and the code it shows. */
  function startCli() {
    const child = spawn(
      process.execPath,
      [CLI, 'login', '--device', '--issuer', suite.world.provider, '--client-id', clientId, '--json'],
      { env: { ...process.env, GATEHOUSE_ADMIN_TOKEN: '', GATEHOUSE_CLIENT_SECRET: '' } },
    );
    children.push(child);
    const output = { stdout: '', stderr: '' };
    child.stdout!.on('data', (chunk) => {
      output.stdout += chunk;
    });
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    const prompt = new Promise<{ url: string; code: string }>((resolve) => {
      child.stderr!.on('data', (chunk) => {
        output.stderr += chunk;
        const match = /Open (\S+) in a browser\nand check that it shows the code ([A-Z]{4}-[A-Z]{4})/.exec(
          output.stderr,
        );
        if (match) resolve({ url: match[1]!, code: match[2]! });
      });
    });
    return { output, exited, prompt };
  }

  it('the CLI polls while the person signs in at /device, confirms the code and approves; the CLI gets tokens', async () => {
    const s = await suite.open('device-flow');
    const user = await suite.world.seedUser('terminal');
    const cli = startCli();
    const { url, code } = await cli.prompt;
    expect(url).toBe(`${suite.world.provider}/device?user_code=${code}`);

    const page = await s.newPage();
    await page.goto(url);
    await signInAtProvider(s, page, user, 'device-login');
    await waitForPath(page, suite.world.provider, '/device');
    expect(await text(page, 'h1')).toBe('Connect a device');
    expect(await page.getByLabel('Code').inputValue()).toBe(code);
    await s.shot(page, 'device-code');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('button', { name: 'Allow access' }).waitFor();
    expect(await text(page, 'h1')).toBe('Terminal Tool');
    expect(await text(page, 'body')).toMatch(/only continue if you started this on your own device/i);
    await s.shot(page, 'device-consent');
    // The CLI is still waiting: nothing is decided yet.
    expect(cli.output.stdout).toBe('');
    await page.getByRole('button', { name: 'Allow access' }).click();
    await page.locator('h1', { hasText: 'Device connected' }).waitFor();
    await s.shot(page, 'device-done');

    expect(await cli.exited).toBe(0);
    const tokens = JSON.parse(cli.output.stdout) as Record<string, string>;
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.stringMatching(/^gth_at_/),
      refresh_token: expect.stringMatching(/^gth_rt_/),
    });
    // The tokens are the person's who approved.
    const info = await fetch(`${suite.world.provider}/api/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(((await info.json()) as { username: string }).username).toBe(user.username);
    expect(s.problems).toEqual([]);
  }, 60_000);
});
