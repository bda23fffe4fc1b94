import { DuplicateError, StoreUnavailableError } from '@gatehouse/core';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError, toStoreError } from './errors.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

/** What drivers throw, wrapped the way Drizzle 0.44 wraps it (SQL text and parameters in the message). */
function wrapped(driverError: object): DrizzleQueryError {
  return new DrizzleQueryError(
    'insert into "users" ("password_hash") values ($1)',
    ['$argon2id$secret'],
    Object.assign(new Error('message' in driverError ? String(driverError.message) : 'failed'), driverError),
  );
}

describe('toStoreError', () => {
  it.each([
    ['postgres.js', { code: '23505', constraint_name: 'users_email_lower_key' }],
    ['PGlite', { code: '23505', constraint: 'users_username_lower_key' }],
  ])('turns a unique violation from %s into DuplicateError naming the field', (_driver, error) => {
    const mapped = toStoreError(wrapped(error));
    expect(mapped).toBeInstanceOf(DuplicateError);
    expect((mapped as DuplicateError).field).toBe('constraint_name' in error ? 'email' : 'username');
  });

  it.each([
    { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
    { code: 'CONNECTION_ENDED', message: 'write CONNECTION_ENDED' },
    { code: 'CONNECTION_CLOSED', message: 'write CONNECTION_CLOSED' },
    { code: '57P01', message: 'terminating connection due to administrator command' },
    { code: '08006', message: 'connection failure' },
    { message: 'PGlite is closed' },
    { message: 'connect failed', errors: [{ code: 'ECONNREFUSED' }] },
  ])('turns a connection failure ($message) into StoreUnavailableError', (error) => {
    const mapped = toStoreError(wrapped(error));
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect(mapped.message).toBe('database unavailable');
  });

  it('keeps neither SQL text nor parameters in any error it returns', () => {
    for (const error of [
      { code: '23503', message: 'insert or update violates foreign key constraint' },
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
    ]) {
      const mapped = toStoreError(wrapped(error));
      const everything = JSON.stringify(mapped, Object.getOwnPropertyNames(mapped)) + String(mapped.cause);
      expect(everything).not.toContain('insert into');
      expect(everything).not.toContain('secret');
    }
  });

  it('leaves errors that did not come from the database alone', () => {
    const bug = new TypeError('x is undefined');
    expect(toStoreError(bug)).toBe(bug);
  });
});

describe('errors from a real database', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  }, 120_000);
  afterAll(() => test?.close());

  it('reports a constraint violation without the statement', async () => {
    const error = await test.stores.grants.upsert(2_000_000_000, 2_000_000_000, ['profile']).catch((e) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: '23503' });
    expect(error.message).not.toMatch(/insert into|\$1|profile/i);
  });
});
