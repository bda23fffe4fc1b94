import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { newClientCredentials } from '@gatehouse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStack, startTestStack } from '../running-stack.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/gatehouse.js', import.meta.url));
const ADMIN_TOKEN = 'cli-test-admin-token-0123456789abcdefghij';

/** Runs the real `gatehouse` binary; never throws, returns exit code and output. */
async function gatehouse(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, GATEHOUSE_URL: '', GATEHOUSE_ADMIN_TOKEN: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('gatehouse CLI against a running stack', () => {
  let stack: RunningStack;
  let as: (args: string[]) => ReturnType<typeof gatehouse>;

  beforeAll(async () => {
    stack = await startTestStack({ GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN });
    as = (args) => gatehouse(args, { GATEHOUSE_URL: stack.origin, GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('prints usage, and help for every command', async () => {
    const top = await gatehouse(['--help']);
    expect(top.code).toBe(0);
    for (const name of [
      'users create',
      'users 2fa',
      'users reset-2fa',
      'balance credit',
      'topup-codes create',
      'clients trust',
      'audit',
      'keys rotate',
      'charges list',
      'charges refund',
      'ledger check',
    ]) {
      expect(top.stdout).toContain(name);
      const help = await gatehouse([...name.split(' '), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: gatehouse ${name}`);
    }
  });

  it('fails with a one-line reason and a non-zero code', async () => {
    const unknown = await gatehouse(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/unknown command/);

    const noToken = await gatehouse(['users', 'list', '--url', stack.origin]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/GATEHOUSE_ADMIN_TOKEN/);

    const badToken = await gatehouse(['users', 'list', '--url', stack.origin, '--token', 'x'.repeat(40)]);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/admin token refused/);
  });

  it('creates, lists and disables users', async () => {
    const created = await as([
      'users',
      'create',
      '--username',
      'carol',
      '--email',
      'carol@example.com',
      '--password',
      'carol-password',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const user = JSON.parse(created.stdout) as { id: number; username: string };
    expect(user.username).toBe('carol');

    const listed = await as(['users', 'list', '--q', 'carol', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: user.id, username: 'carol' })]);

    const table = await as(['users', 'list', '--q', 'carol']);
    expect(table.stdout).toMatch(/^ID\s+USERNAME\s+EMAIL\s+STATUS\s+BALANCE$/m);
    // People read money: the balance in the server's currency, not quota units.
    expect(table.stdout).toMatch(/carol@example\.com\s+active\s+0\.00 USD$/m);

    const duplicate = await as([
      'users',
      'create',
      '--username',
      'carol',
      '--email',
      'c2@example.com',
      '--password',
      'carol-password',
    ]);
    expect(duplicate.code).toBe(1);

    await stack.stores.db.twoFactor.beginTotp(user.id, 'encrypted', new Date());
    await stack.stores.db.twoFactor.confirmTotp(user.id, 1, ['a'.repeat(64), 'b'.repeat(64)], new Date());
    const shown = await as(['users', '2fa', String(user.id), '--json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: user.id,
      two_factor: { totp: true, recovery_codes_left: 2 },
    });
    expect((await as(['users', '2fa', String(user.id)])).stdout).toMatch(/totp\s+true/);
    const reset = await as(['users', 'reset-2fa', String(user.id)]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/totp\s+false/);
    expect(await stack.stores.db.twoFactor.findTotp(user.id)).toBeNull();
    expect(
      await stack.stores.db.audit.list({ userId: user.id, type: 'two_factor.reset', limit: 2 }),
    ).toHaveLength(1);
    expect((await as(['users', '2fa', '999999'])).code).toBe(1);

    const disabled = await as(['users', 'disable', String(user.id), '--json']);
    expect(disabled.code).toBe(0);
    expect((await stack.stores.db.users.findById(user.id))?.status).toBe('disabled');
  });

  it('credits and debits with idempotency keys and refuses overdrafts', async () => {
    const user = await stack.stores.db.users.create({
      username: 'dave',
      email: 'dave@example.com',
      passwordHash: 'x',
    });
    const credit = await as([
      'balance',
      'credit',
      String(user.id),
      '--amount',
      '10.00',
      '--idempotency-key',
      'k1',
      '--json',
    ]);
    expect(credit.code).toBe(0);
    expect(JSON.parse(credit.stdout)).toMatchObject({
      quota: 5_000_000,
      balance: { amount: '10.00', currency: 'USD', quota: 5_000_000 },
      idempotency_key: 'k1',
    });

    const retry = await as([
      'balance',
      'credit',
      String(user.id),
      '--amount',
      '10.00',
      '--idempotency-key',
      'k1',
      '--json',
    ]);
    expect(JSON.parse(retry.stdout)).toMatchObject({ quota: 5_000_000 });
    expect((await stack.stores.db.ledger.getBalance(user.id))?.quota).toBe(5_000_000n);

    const overdraft = await as(['balance', 'debit', String(user.id), '--quota', '5000001']);
    expect(overdraft.code).toBe(1);
    expect(overdraft.stderr.trim().split('\n')).toHaveLength(1);
    expect((await stack.stores.db.ledger.getBalance(user.id))?.quota).toBe(5_000_000n);

    const bad = await as(['balance', 'credit', String(user.id), '--amount', '1.234']);
    expect(bad.code).toBe(2);

    const readable = await as(['balance', 'credit', String(user.id), '--amount', '2.50']);
    expect(readable.code).toBe(0);
    expect(readable.stdout).toMatch(/^new_balance\s+12\.50 USD$/m);
    expect(readable.stdout).not.toMatch(/6250000/);
  });

  it('creates top-up codes in batches with progress, as CSV', async () => {
    const result = await as(['topup-codes', 'create', '--amount', '5', '--count', '250', '--csv']);
    expect(result.code).toBe(0);
    const rows = result.stdout.trim().split('\n');
    expect(rows[0]).toBe('code,quota,amount,currency,expires_at');
    expect(rows).toHaveLength(251);
    expect(new Set(rows.slice(1).map((r) => r.split(',')[0])).size).toBe(250);
    expect(rows[1]).toMatch(/^gth_tc_[A-Za-z0-9_-]{43},2500000,5\.00,USD,$/);
    expect(result.stderr).toMatch(/creating codes: 250\/250/);
  });

  it('lists, trusts, untrusts and disables clients', async () => {
    const credentials = newClientCredentials();
    await stack.stores.db.clients.create({
      clientId: credentials.clientId,
      secretHash: credentials.secretHash,
      name: 'CLI App',
      redirectUris: ['https://cli.example.com/cb'],
    });
    const listed = await as(['clients', 'list', '--json']);
    expect(listed.stdout).toContain(credentials.clientId);
    expect(listed.stdout).not.toContain(credentials.secretHash);

    expect((await as(['clients', 'trust', credentials.clientId])).code).toBe(0);
    expect((await stack.stores.db.clients.findByClientId(credentials.clientId))?.trusted).toBe(true);
    expect((await as(['clients', 'untrust', credentials.clientId])).code).toBe(0);
    expect((await stack.stores.db.clients.findByClientId(credentials.clientId))?.trusted).toBe(false);
    expect((await as(['clients', 'disable', credentials.clientId])).code).toBe(0);
    expect((await stack.stores.db.clients.findByClientId(credentials.clientId))?.disabled).toBe(true);
  });

  it('registers a public client without a secret, and a confidential one with a secret (SEC-50)', async () => {
    const pub = await as([
      'clients',
      'create',
      '--name',
      'Terminal',
      '--public',
      '--device-grant',
      '--redirect-uri',
      'http://127.0.0.1/cb',
      '--redirect-uri',
      'com.example.term:/cb',
      '--json',
    ]);
    expect(pub.code, pub.stderr).toBe(0);
    const created = JSON.parse(pub.stdout) as Record<string, unknown>;
    expect(created).toMatchObject({ token_endpoint_auth_method: 'none', device_grant_enabled: true });
    expect(created).not.toHaveProperty('client_secret');
    const conf = await as([
      'clients',
      'create',
      '--name',
      'Server',
      '--redirect-uri',
      'https://s.example.com/cb',
      '--json',
    ]);
    expect(conf.code, conf.stderr).toBe(0);
    expect(JSON.parse(conf.stdout).client_secret).toMatch(/^gth_cs_/);
    expect((await as(['clients', 'deny-device', created.client_id as string])).code).toBe(0);
    expect(
      (await stack.stores.db.clients.findByClientId(created.client_id as string))?.deviceGrantEnabled,
    ).toBe(false);
  });

  it('checks the ledger, lists charges and refuses a refund of an unknown charge', async () => {
    const check = await as(['ledger', 'check', '--json']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toEqual({ result: 'ok', mismatches: 0 });
    const list = await as(['charges', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(Array.isArray(JSON.parse(list.stdout))).toBe(true);
    const refund = await as(['charges', 'refund', 'ch_nope', '--reason', 'test']);
    expect(refund.code).not.toBe(0);
    expect(refund.stderr).toContain('no charge with id ch_nope');
  });

  it('shows audit events, filtered', async () => {
    const result = await as(['audit', '--type', 'client.updated', '--json']);
    expect(result.code).toBe(0);
    const events = JSON.parse(result.stdout) as { type: string }[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'client.updated')).toBe(true);

    // The table shows when each event happened (the API's created_time), never "-".
    const table = await as(['audit', '--type', 'client.updated']);
    expect(table.stdout).toMatch(/^TIME\s+TYPE/m);
    expect(table.stdout).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z\s+client\.updated/m);
  });
});

describe('gatehouse CLI against a server without an admin token', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('says the admin API is disabled and how to enable it, never a framework message', async () => {
    const result = await gatehouse(['users', 'list', '--url', stack.origin, '--token', 'x'.repeat(40)]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/the admin API is disabled on http:\/\/.*GATEHOUSE_ADMIN_TOKEN set/);
    expect(result.stderr).not.toMatch(/Route GET/);

    const raw = await fetch(`${stack.origin}/api/admin/users`);
    expect(raw.status).toBe(404);
    expect(await raw.json()).toMatchObject({
      success: false,
      message: expect.stringMatching(/^the admin API is disabled on this server/),
    });
  });
});
