import { fileURLToPath } from 'node:url';
import { newClientCredentials } from '@gatehouse/core';
import { hashPassword } from '@gatehouse/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeAsUser, HttpBrowser } from '../flow/http-browser.js';
import { type RunningStack, startTestStack } from '../running-stack.js';
import { freePort, startProcess } from '../testing/processes.js';

const BIN = fileURLToPath(new URL('../../bin/gatehouse.js', import.meta.url));
const STEPS = [
  'metadata',
  'callback',
  'authorize',
  'code',
  'token',
  'userinfo',
  'refresh',
  'reuse',
  'revoke',
];

describe('gatehouse flow-test', () => {
  let stack: RunningStack;
  const client = newClientCredentials();
  let redirectUri: string;

  beforeAll(async () => {
    stack = await startTestStack();
    redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    await stack.stores.db.users.create({
      username: 'flow',
      email: 'flow@example.com',
      passwordHash: await hashPassword('flow-password'),
    });
    await stack.stores.db.clients.create({
      clientId: client.clientId,
      secretHash: client.secretHash,
      name: 'Flow Test App',
      redirectUris: [redirectUri],
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const flowTest = (extra: string[], redirect = redirectUri) =>
    startProcess(
      process.execPath,
      [
        BIN,
        'flow-test',
        '--issuer',
        stack.origin,
        '--client-id',
        client.clientId,
        '--redirect-uri',
        redirect,
        ...extra,
      ],
      { PATH: process.env.PATH },
    );

  it('signs in with the given credentials and passes every step, one line each', async () => {
    const run = flowTest([
      '--client-secret',
      client.clientSecret,
      '--username',
      'flow',
      '--password',
      'flow-password',
    ]);
    expect(await run.exited).toBe(0);
    for (const step of STEPS) expect(run.output()).toMatch(new RegExp(`^PASS  ${step}\\s+\\d+ ms`, 'm'));
    expect(run.output()).toContain('All steps passed.');
  });

  it('without credentials prints the URL to open and waits for the callback', async () => {
    const run = flowTest(['--client-secret', client.clientSecret, '--timeout', '30']);
    await run.waitFor(/Open this URL in a browser[^\n]*\n\n {2}(\S+)\n/, 20_000);
    const url = /\n\n {2}(\S+)\n/.exec(run.output())![1]!;
    // Play the user: sign in and approve, then the browser follows the redirect to the tool.
    const { callback } = await authorizeAsUser(new HttpBrowser(stack.origin), url.replace(stack.origin, ''), {
      username: 'flow',
      password: 'flow-password',
    });
    await fetch(callback);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('All steps passed.');
  });

  it('reports the failing step with a fix and exits non-zero', async () => {
    const run = flowTest([
      '--client-secret',
      'gth_cs_wrong',
      '--username',
      'flow',
      '--password',
      'flow-password',
    ]);
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/^PASS {2}authorize/m);
    expect(run.output()).toMatch(/^FAIL {2}token\s+\d+ ms {2}token answered 401 invalid_client/m);
    expect(run.output()).toMatch(/fix: invalid_client: check --client-id\/--client-secret/);
    expect(run.output()).not.toMatch(/^PASS {2}userinfo/m);
  });

  it('an unregistered redirect URI fails with the error the page states, never its HTML', async () => {
    const unregistered = redirectUri.replace('127.0.0.1', 'localhost');
    const run = flowTest(
      ['--client-secret', client.clientSecret, '--username', 'flow', '--password', 'flow-password'],
      unregistered,
    );
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/^FAIL {2}authorize\s+\d+ ms {2}authorization stopped with status 400: \S/m);
    expect(run.output()).toMatch(/redirect_uri|redirect URI/i);
    expect(run.output()).not.toMatch(/<[a-z!/]/i);
  });

  it('refuses a redirect URI it cannot listen on', async () => {
    const run = flowTest([
      '--client-secret',
      client.clientSecret,
      '--redirect-uri',
      'https://app.example.com/cb',
    ]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/must be an http loopback URI/);
  });
});
