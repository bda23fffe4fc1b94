import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSummary } from './config-summary.js';
import { testConfig } from './testing/index.js';

describe('configSummary', () => {
  it('names the embedded stores by their real path and says how to turn the admin API on', () => {
    const lines = configSummary(testConfig({ DATA_DIR: './some/.data' })).join('\n');
    expect(lines).toContain(`embedded PGlite in ${resolve('./some/.data')}`);
    expect(lines).toContain('cache:     in-memory');
    expect(lines).toContain('mode:      development');
    expect(lines).toMatch(/admin API: off; .*start with GATEHOUSE_ADMIN_TOKEN set/);
  });

  it('names Postgres and Redis by host and database, never with their passwords', () => {
    const lines = configSummary(
      testConfig({
        DATABASE_URL: 'postgres://gatehouse:s3cret-pw@db.internal:5433/gatehouse',
        REDIS_URL: 'redis://:redis-pw@cache.internal:6380/2',
        GATEHOUSE_ADMIN_TOKEN: 'x'.repeat(32),
      }),
    ).join('\n');
    expect(lines).toContain('database:  Postgres gatehouse@db.internal:5433/gatehouse');
    expect(lines).toContain('cache:     Redis cache.internal:6380/2');
    expect(lines).toContain('admin API: on at /api/admin/*');
    expect(lines).not.toMatch(/s3cret-pw|redis-pw|x{32}/);
  });

  it('names the mail route: the development outbox link, or SMTP without its password', () => {
    expect(configSummary(testConfig()).join('\n')).toContain(
      'mail:      development outbox (logged, and listed at http://localhost:3000/dev/outbox)',
    );
    const smtp = configSummary(testConfig({ SMTP_URL: 'smtp://mailer:mail-pw@smtp.internal:587' })).join(
      '\n',
    );
    expect(smtp).toContain('mail:      SMTP mailer@smtp.internal:587');
    expect(smtp).not.toContain('mail-pw');
  });
});
