import { loadConfig, type RetentionStore } from '@gatehouse/core';
import { createClient, createUser, unique } from '@gatehouse/core/testing';
import { sqlExecutorOf } from '@gatehouse/db';
import { createTestDatabase } from '@gatehouse/db/testing';
import { describe, expect, it } from 'vitest';
import { JOB_SCHEMA } from './pg-boss-queue.js';
import { RETENTION, runRetention } from './retention.js';
import { useQueueDatabase } from './testing/queue-database.js';
import { startWorkers } from './workers.js';

const t = useQueueDatabase();

const sql = (text: string, values: unknown[] = []) =>
  sqlExecutorOf(t.database.database).executeSql(text, values);

/** The values of `column` left in `table` among `keys`, sorted. */
async function left(table: string, column: string, keys: readonly (string | number)[]): Promise<string[]> {
  const { rows } = await sql(`select ${column}::text as k from ${table} where ${column}::text = any($1)`, [
    keys.map(String),
  ]);
  return (rows as { k: string }[]).map((r) => r.k).sort();
}

/** An interval before now, as Postgres reads it (`'31 days'`). */
const ago = (interval: string) => `now() - interval '${interval}'`;
const ahead = (interval: string) => `now() + interval '${interval}'`;

describe('the retention job', () => {
  it('is scheduled every 10 minutes, one job per tick across instances', async () => {
    await startWorkers(t.queue, {
      db: t.database.stores,
      config: loadConfig({ ISSUER: 'http://localhost:3000' }),
    });
    const { rows } = await sql(`select cron, timezone from ${JOB_SCHEMA}.schedule where name = $1`, [
      RETENTION,
    ]);
    expect(rows).toEqual([{ cron: '*/10 * * * *', timezone: 'UTC' }]);
  });

  it('run from the queue, deletes exactly what ended (default AUDIT_RETENTION_DAYS 400) and nothing alive', async () => {
    const user = await createUser(t.database.stores);
    const client = await createClient(t.database.stores);
    const u = user.id;
    const c = client.id;

    // Refresh-token families: ended more than 30 days ago go; alive ones (however old) and ones
    // that ended within the 30-day reuse-detection margin stay.
    const family = {
      aliveOld: unique('fam_'),
      expired: unique('fam_'),
      revoked: unique('fam_'),
      expiredRecently: unique('fam_'),
      revokedRecently: unique('fam_'),
    };
    const families: [string, string, string, string | null][] = [
      [family.aliveOld, ago('2 years'), ahead('1 day'), null],
      [family.expired, ago('60 days'), ago('31 days'), null],
      [family.revoked, ago('40 days'), ahead('1 day'), ago('31 days')],
      [family.expiredRecently, ago('60 days'), ago('29 days'), null],
      [family.revokedRecently, ago('40 days'), ahead('1 day'), ago('29 days')],
    ];
    for (const [id, created, expires, revoked] of families) {
      await sql(
        `insert into refresh_token_families (id, client_id, user_id, scopes, token_hash, previous_hash, rotated_at, created_at, expires_at, revoked_at)
         values ($1, $2, $3, '{profile}', $4, $4, ${created}, ${created}, ${expires}, ${revoked ?? 'null'})`,
        [id, c, u, unique('h')],
      );
    }
    const legacy = { dead: [unique('lh'), unique('lh')], alive: unique('lh') };
    for (const [hash, familyId, generation] of [
      [legacy.dead[0], family.expired, 0],
      [legacy.dead[1], family.expired, 1],
      [legacy.alive, family.aliveOld, 0],
    ] as const) {
      await sql(
        'insert into refresh_token_legacy_hashes (token_hash, family_id, generation) values ($1, $2, $3)',
        [hash, familyId, generation],
      );
    }

    // E-mail links: used or expired more than a day ago go.
    const mail = {
      expired: unique('m'),
      used: unique('m'),
      expiredRecently: unique('m'),
      liveOld: unique('m'),
    };
    for (const [hash, expires, used, created] of [
      [mail.expired, ago('2 days'), null, ago('3 days')],
      [mail.used, ahead('1 hour'), ago('2 days'), ago('3 days')],
      [mail.expiredRecently, ago('1 hour'), null, ago('1 day')],
      [mail.liveOld, ahead('1 hour'), null, ago('1 year')],
    ] as const) {
      await sql(
        `insert into email_tokens (token_hash, user_id, purpose, email, expires_at, used_at, created_at)
         values ($1, $2, 'verify_email', $3, ${expires}, ${used ?? 'null'}, ${created})`,
        [hash, u, user.email],
      );
    }

    // Idempotency keys: kept 24 h (SEC-92).
    const idem = { old: unique('k'), young: unique('k') };
    for (const [key, created] of [
      [idem.old, ago('25 hours')],
      [idem.young, ago('23 hours')],
    ] as const) {
      await sql(
        `insert into idempotency_keys (scope, key, fingerprint, created_at) values ('s', $1, 'f', ${created})`,
        [key],
      );
    }

    // Webhook events: delivered or failed for good, more than 30 days ago, go; pending never.
    const event = {
      delivered: unique('evt_'),
      failed: unique('evt_'),
      pendingOld: unique('evt_'),
      deliveredRecently: unique('evt_'),
    };
    for (const [id, status, created] of [
      [event.delivered, 'succeeded', ago('31 days')],
      [event.failed, 'failed', ago('31 days')],
      [event.pendingOld, 'pending', ago('31 days')],
      [event.deliveredRecently, 'succeeded', ago('29 days')],
    ] as const) {
      await sql(
        `insert into webhook_events (id, client_id, type, data, created_at, status) values ($1, $2, 'webhook.test', '{}', ${created}, $3)`,
        [id, c, status],
      );
    }

    // Audit events: kept AUDIT_RETENTION_DAYS (400).
    const audit = async (created: string) => {
      const { rows } = await sql(
        `insert into audit_events (type, actor, user_id, created_at) values ('retention.test', 'test', $1, ${created}) returning id`,
        [u],
      );
      return String((rows[0] as { id: number }).id);
    };
    const auditOld = await audit(ago('401 days'));
    const auditYoung = await audit(ago('399 days'));

    // Money is never deleted, however old.
    await t.database.stores.ledger.apply({ userId: u, amount: 100n, kind: 'credit', actor: 'admin' });
    await sql(`update ledger_entries set created_at = ${ago('3 years')} where user_id = $1`, [u]);

    await t.queue.enqueue(RETENTION, {});
    // The worker runs the job; audit events are its last kind.
    while ((await left('audit_events', 'id', [auditOld])).length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(await left('refresh_token_families', 'id', Object.values(family))).toEqual(
      [family.aliveOld, family.expiredRecently, family.revokedRecently].sort(),
    );
    expect(await left('refresh_token_legacy_hashes', 'token_hash', [...legacy.dead, legacy.alive])).toEqual([
      legacy.alive,
    ]);
    expect(await left('email_tokens', 'token_hash', Object.values(mail))).toEqual(
      [mail.expiredRecently, mail.liveOld].sort(),
    );
    expect(await left('idempotency_keys', 'key', Object.values(idem))).toEqual([idem.young]);
    expect(await left('webhook_events', 'id', Object.values(event))).toEqual(
      [event.pendingOld, event.deliveredRecently].sort(),
    );
    expect(await left('audit_events', 'id', [auditOld, auditYoung])).toEqual([auditYoung]);
    expect((await t.database.stores.ledger.listEntries(u, 10)).map((e) => e.amount)).toEqual([100n]);
    expect(await t.database.stores.ledger.getBalance(u)).toMatchObject({ quota: 100n });
  });

  it('honours AUDIT_RETENTION_DAYS', async () => {
    const config = loadConfig({ ISSUER: 'http://localhost:3000', AUDIT_RETENTION_DAYS: '30' });
    expect(config.auditRetentionDays).toBe(30);
    const { rows } = await sql(
      `insert into audit_events (type, actor, created_at) values ('retention.test', 'test', ${ago('31 days')}), ('retention.test', 'test', ${ago('29 days')}) returning id`,
    );
    const [older, younger] = (rows as { id: number }[]).map((r) => String(r.id));
    await runRetention(t.database.stores.retention, new Date(), config);
    expect(await left('audit_events', 'id', [older!, younger!])).toEqual([younger]);
  });
});

describe('retention batches', () => {
  it('with a batch size of 2, five ended records all go, two at a time', async () => {
    // A database of its own: no scheduled tick of the other suite runs into its counts.
    const own = await createTestDatabase();
    try {
      const executor = sqlExecutorOf(own.database);
      for (let i = 0; i < 5; i++) {
        await executor.executeSql(
          `insert into audit_events (type, actor, created_at) values ('retention.test', 'test', ${ago('500 days')})`,
        );
      }
      // The real store, with its batches written down.
      const batches: number[] = [];
      const store: RetentionStore = {
        async deleteEnded(kind, before, limit) {
          const deleted = await own.stores.retention.deleteEnded(kind, before, limit);
          if (kind === 'auditEvents') batches.push(deleted);
          return deleted;
        },
      };
      const report = await runRetention(store, new Date(), { auditRetentionDays: 400 }, 2);
      expect(batches).toEqual([2, 2, 1]);
      expect(report.auditEvents).toBe(5);
      const { rows } = await executor.executeSql('select count(*)::int as n from audit_events');
      expect(Number((rows[0] as { n: number }).n)).toBe(0);
    } finally {
      await own.close();
    }
  }, 120_000);
});
