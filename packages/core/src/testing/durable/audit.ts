import { describe, expect, it } from 'vitest';
import { createUser, type OpenDurableStores, unique, useStores } from './fixtures.js';

export function describeAuditStoreContract(open: OpenDurableStores): void {
  describe('AuditStore', () => {
    const stores = useStores(open);

    it('stores an event with defaults for what was not given', async () => {
      const type = unique('test.minimal.');
      await stores().audit.append({ type, actor: 'system' });
      const [event] = await stores().audit.list({ type, limit: 10 });
      expect(event).toEqual({
        id: expect.any(Number),
        type,
        userId: null,
        clientId: null,
        actor: 'system',
        ip: null,
        data: {},
        createdAt: expect.any(Date),
      });
    });

    it('round-trips structured data', async () => {
      const type = unique('test.data.');
      const data = { reason: 'reuse', nested: { count: 3, list: ['a', 'b'] }, flag: true, none: null };
      await stores().audit.append({ type, actor: 'system', ip: '203.0.113.9', clientId: 'gh_x', data });
      const [event] = await stores().audit.list({ type, limit: 1 });
      expect(event).toMatchObject({ ip: '203.0.113.9', clientId: 'gh_x', data });
    });

    it('lists newest first, filtered by user, client and type, up to the limit', async () => {
      const user = await createUser(stores());
      const clientId = unique('gh_');
      const login = unique('test.login.');
      const rotate = unique('test.rotate.');
      const append = (type: string, extra: { userId?: number; clientId?: string } = {}) =>
        stores().audit.append({ type, actor: 'system', ...extra });
      await append(login, { userId: user.id });
      await append(rotate, { clientId });
      await append(login, { userId: user.id, clientId });
      await append(rotate);

      const byUser = await stores().audit.list({ userId: user.id, limit: 10 });
      expect(byUser.map((e) => [e.type, e.clientId])).toEqual([
        [login, clientId],
        [login, null],
      ]);
      expect((await stores().audit.list({ clientId, limit: 10 })).map((e) => e.type)).toEqual([
        login,
        rotate,
      ]);
      expect(await stores().audit.list({ type: rotate, limit: 10 })).toHaveLength(2);
      expect(await stores().audit.list({ type: login, clientId, userId: user.id, limit: 10 })).toHaveLength(
        1,
      );
      expect(await stores().audit.list({ type: rotate, limit: 1 })).toMatchObject([
        { type: rotate, clientId: null },
      ]);

      const newest = await stores().audit.list({ limit: 3 });
      expect(newest).toHaveLength(3);
      expect(newest.map((e) => e.id)).toEqual([...newest.map((e) => e.id)].sort((a, b) => b - a));
    });
  });
}
