import { Writable } from 'node:stream';
import { actor, type Stores } from '@gatehouse/core';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from './audit.js';
import { createMetrics, recordHttpMetrics } from './metrics.js';
import { createTestStores, metricSample } from './testing/index.js';

/** A user id beyond the column's range: the database refuses the audit row (a real failure). */
const UNWRITABLE_USER = 2 ** 31;

describe('recordAudit: the after-the-change audit policy', () => {
  let stores: Stores & { close(): Promise<void> };
  beforeAll(async () => {
    stores = await createTestStores();
  });
  afterAll(async () => stores.close());

  async function appRecording(userId: number) {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = Fastify({ logger: { level: 'error', stream } });
    const metrics = createMetrics();
    recordHttpMetrics(app, metrics);
    app.post('/done', async (request) => {
      // The change is done; only its record is left.
      await recordAudit(stores, request, { type: 'logout', actor: actor.user(userId), userId, data: {} });
      return { done: true };
    });
    return { app, metrics, lines };
  }

  it('records the event with the request’s address', async () => {
    const user = await stores.db.users.create({
      username: 'audited',
      email: 'audited@example.test',
      passwordHash: 'x',
    });
    const { app, metrics } = await appRecording(user.id);
    const response = await app.inject({ method: 'POST', url: '/done', remoteAddress: '203.0.113.7' });
    expect(response.statusCode).toBe(200);
    const [event] = await stores.db.audit.list({ userId: user.id, type: 'logout', limit: 1 });
    expect(event).toMatchObject({ actor: `user:${user.id}`, ip: '203.0.113.7' });
    expect(await metricSample(metrics, 'gatehouse_audit_write_failures_total{type="logout"}')).toBeNull();
    await app.close();
  });

  it('a failed write is logged and counted, never shown to the user as an error', async () => {
    const { app, metrics, lines } = await appRecording(UNWRITABLE_USER);
    const response = await app.inject({ method: 'POST', url: '/done' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ done: true });
    expect(await metricSample(metrics, 'gatehouse_audit_write_failures_total{type="logout"}')).toBe(1);
    const logged = lines.map((line) => JSON.parse(line) as { msg: string; auditType?: string });
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: 'audit event could not be written', auditType: 'logout' }),
    );
    await app.close();
  });
});
