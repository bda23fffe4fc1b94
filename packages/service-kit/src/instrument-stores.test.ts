import { DuplicateError, type Stores, StoreUnavailableError } from '@gatehouse/core';
import { createClient, createUser } from '@gatehouse/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentStores } from './instrument-stores.js';
import { createMetrics } from './metrics.js';
import { createTestStores, metricSample } from './testing/index.js';

describe('instrumentStores: store metrics and spans', () => {
  let opened: Stores & { close(): Promise<void> };

  beforeAll(async () => {
    opened = await createTestStores();
  });
  afterAll(async () => opened.close());

  it('times every call by store, port and operation, and still returns what the port returns', async () => {
    const metrics = createMetrics();
    const stores = instrumentStores(opened, metrics);
    const user = await stores.db.users.create({
      username: 'metered',
      email: 'metered@example.test',
      passwordHash: 'x',
    });
    expect(await stores.db.users.findById(user.id)).toMatchObject({ username: 'metered' });
    await stores.cache.sessions.put('s1', { userId: user.id } as never, 60);
    await stores.cache.sessions.get('s1');
    await stores.cache.sessions.get('s2');

    expect(
      await metricSample(
        metrics,
        'gatehouse_store_operation_duration_seconds_count{store="db",port="users",operation="create"}',
      ),
    ).toBe(1);
    expect(
      await metricSample(
        metrics,
        'gatehouse_store_operation_duration_seconds_count{store="cache",port="sessions",operation="get"}',
      ),
    ).toBe(2);
    // Every call settled, so none is in flight.
    expect(await metricSample(metrics, 'gatehouse_store_calls_in_flight{store="db"}')).toBe(0);
    const pending = stores.db.users.findById(user.id);
    expect(await metricSample(metrics, 'gatehouse_store_calls_in_flight{store="db"}')).toBe(1);
    await pending;
    // Nothing from the arguments reaches a label.
    expect(await metrics.registry.metrics()).not.toMatch(/metered|s1/);
  });

  it('counts a failed call by error class and rethrows the same error', async () => {
    const metrics = createMetrics();
    const stores = instrumentStores(opened, metrics);
    const duplicate = stores.db.users.create({
      username: 'metered',
      email: 'other@example.test',
      passwordHash: 'x',
    });
    await expect(duplicate).rejects.toBeInstanceOf(DuplicateError);
    expect(
      await metricSample(
        metrics,
        'gatehouse_store_errors_total{store="db",port="users",operation="create",error="error"}',
      ),
    ).toBe(1);

    const down = instrumentStores(
      {
        ...opened,
        cache: {
          ...opened.cache,
          codes: {
            ...opened.cache.codes,
            consume: async (_codeHash: string, _retainSeconds: number) => {
              throw new StoreUnavailableError('cache', { cause: new Error('connection refused') });
            },
          },
        },
      },
      metrics,
    );
    await expect(down.cache.codes.consume('c', 60)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(
      await metricSample(
        metrics,
        'gatehouse_store_errors_total{store="cache",port="codes",operation="consume",error="unavailable"}',
      ),
    ).toBe(1);
  });

  it('counts the audit event a consent writes in its own transaction', async () => {
    const metrics = createMetrics();
    const stores = instrumentStores(opened, metrics);
    const [user, client] = [await createUser(stores.db), await createClient(stores.db)];
    await stores.db.grants.upsert(user.id, client.id, ['profile'], null, () => ({
      type: 'consent.granted',
      actor: `user:${user.id}`,
    }));
    expect(await metricSample(metrics, 'gatehouse_events_total{type="consent.granted"}')).toBe(1);
  });

  it('counts audit events by type, and only well-formed type names', async () => {
    const metrics = createMetrics();
    const stores = instrumentStores(opened, metrics);
    await stores.db.audit.append({ type: 'login.failed', actor: 'user' });
    await stores.db.audit.append({ type: 'login.failed', actor: 'user' });
    await stores.db.audit.append({ type: 'refresh_token.reuse_detected', actor: 'client' });
    await stores.db.audit.append({ type: 'Not A Type gth_at_x', actor: 'user' });
    expect(await metricSample(metrics, 'gatehouse_events_total{type="login.failed"}')).toBe(2);
    expect(await metricSample(metrics, 'gatehouse_events_total{type="refresh_token.reuse_detected"}')).toBe(
      1,
    );
    expect(await metrics.registry.metrics()).not.toMatch(/gth_at_x/);
  });
});
