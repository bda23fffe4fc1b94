import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { type Database, openDatabase } from '../connection.js';
import { driverError } from '../errors.js';
import { migrateDatabase } from '../migrate.js';
import { migrationsKey } from './migrations-key.js';
import { runOwnerPid, scratchName } from './run-owner.js';
import { ensureWatchdog } from './watchdog.js';

/** Connections per test database: enough for the concurrency tests to contend. */
const TEST_POOL_SIZE = 8;

/**
 * Test databases on a real server. The workers of a test run share one migrated
 * template database, and each test database is a `CREATE DATABASE … TEMPLATE`
 * copy of it: a file copy, much cheaper than running the migrations again.
 */
export class PostgresTestDatabases {
  /** For CREATE/DROP DATABASE; closes idle connections so it never holds a finished worker open. */
  private readonly admin: postgres.Sql;
  private template: Promise<string> | undefined;

  constructor(private readonly serverUrl: string) {
    this.admin = postgres(serverUrl, { max: 2, idle_timeout: 2, onnotice: () => {} });
  }

  async create(): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
    this.template ??= this.ensureTemplate().catch((error) => {
      this.template = undefined; // let the next test try again
      throw error;
    });
    const template = await this.template;
    const name = scratchName('gh_t');
    await this.createDatabase(name, template);
    const url = this.urlOf(name);
    // Test files of several packages run at once against one server (max_connections 100).
    const database = await openDatabase({ databaseUrl: url, dataDir: '', poolSize: TEST_POOL_SIZE });
    return {
      database,
      url,
      drop: async () => {
        await database.close();
        await this.admin.unsafe(`drop database if exists "${name}" with (force)`);
      },
    };
  }

  /**
   * The first worker of a run builds the template under a different name and renames
   * it when it is complete; the advisory lock keeps the others from building it too.
   */
  private async ensureTemplate(): Promise<string> {
    const owner = runOwnerPid();
    await ensureWatchdog('postgres', {
      postgresUrl: this.serverUrl,
      databaseRegex: `^gh_(t|tpl|build)_${owner}_[0-9a-f]+$`,
    });
    const template = `gh_tpl_${owner}_${await migrationsKey()}`;
    if (await this.exists(template)) return template;
    const session = await this.admin.reserve();
    try {
      await session`select pg_advisory_lock(hashtext(${template}))`;
      if (!(await this.exists(template))) await this.buildTemplate(template);
    } finally {
      await session`select pg_advisory_unlock(hashtext(${template}))`.catch(() => {});
      session.release();
    }
    return template;
  }

  private async buildTemplate(template: string): Promise<void> {
    const building = scratchName('gh_build');
    // template0 accepts no connections, so nobody can be "accessing" it.
    await this.createDatabase(building, 'template0');
    const database = await openDatabase({ databaseUrl: this.urlOf(building), dataDir: '' });
    try {
      await migrateDatabase(database);
    } finally {
      // Neither a rename nor a copy may happen while anyone is connected.
      await database.close();
    }
    await this.admin.unsafe(`alter database "${building}" rename to "${template}"`);
  }

  private async exists(database: string): Promise<boolean> {
    const rows = await this.admin`select 1 from pg_database where datname = ${database}`;
    return rows.length > 0;
  }

  /** Retries while the source is briefly in use (55006), as when parallel workers start at once. */
  private async createDatabase(name: string, template: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.admin.unsafe(`create database "${name}" template "${template}"`);
        return;
      } catch (error) {
        if (driverError(error)?.code !== '55006' || attempt === 20) throw error;
        await sleep(50 * attempt);
      }
    }
  }

  private urlOf(database: string): string {
    const url = new URL(this.serverUrl);
    url.pathname = `/${database}`;
    return url.toString();
  }
}
