import { randomId } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import { adminHeaders, useTestApp } from './testing/fixtures.js';

const t = useTestApp();

function createUser(username: string, email: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/admin/users',
    headers: adminHeaders,
    payload: { username, email, password: 'a long enough password' },
  });
}

describe('one mailbox, one account on the admin API (SEC-35)', () => {
  it('stores the canonical address and refuses another spelling of the same mailbox', async () => {
    const local = `m${randomId(4)
      .replace(/[^A-Za-z0-9]/g, 'x')
      .toLowerCase()}`;
    const first = await createUser(`${local}_a`, `${local}@example.test`);
    expect(first.statusCode).toBe(201);
    const fullwidth = await createUser(`${local}_b`, `${local}@ｅxample.test`);
    expect(fullwidth.statusCode).toBe(409);
    expect(fullwidth.json().message).toBe('the email address is already registered');

    const idn = await createUser(`${local}_c`, `${local.toUpperCase()}@Bücher.example`);
    expect(idn.statusCode).toBe(201);
    expect(idn.json().data.email).toBe(`${local}@xn--bcher-kva.example`);
  });
});
