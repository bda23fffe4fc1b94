import { describe, expect, it } from 'vitest';
import {
  type PgbenchCeiling,
  parsePgbenchOutput,
  pgbenchScript,
  scriptStatement,
  withRefresh,
} from './pgbench.js';

// The refresh store's rotation statement as postgres.js sent it (captured by the harness).
const ROTATION =
  'update "refresh_token_families" set "generation" = "refresh_token_families"."generation" + 1, "token_hash" = $1, "previous_hash" = "refresh_token_families"."token_hash", "key_hash" = $2, "rotated_at" = $3 where ("refresh_token_families"."id" = $4 and "refresh_token_families"."generation" = $5 and "refresh_token_families"."token_hash" = $6 and "refresh_token_families"."revoked_at" is null and "refresh_token_families"."client_id" = $7 and "refresh_token_families"."expires_at" > $8 and "refresh_token_families"."scopes" @> $9::text[] and exists (select 1 from "users" where ("users"."id" = "refresh_token_families"."user_id" and "users"."status" = $10))) returning "id", "generation", "token_hash", "previous_hash"';

const PGBENCH_15 = `pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: /tmp/gatehouse-bench-pgbench-x/rotation.sql
scaling factor: 1
query mode: prepared
number of clients: 8
number of threads: 2
maximum number of tries: 1
duration: 10 s
number of transactions actually processed: 91234
number of failed transactions: 0 (0.000%)
latency average = 0.876 ms
initial connection time = 12.345 ms
tps = 9123.456789 (without initial connection time)
`;

describe('the pgbench ceiling', () => {
  it('binds every parameter of the rotation to the family the previous rotation returned', () => {
    const statement = scriptStatement(ROTATION);
    expect(statement).not.toMatch(/\$\d/);
    // The successor is the row's predecessor hash: A and B alternate, the width never changes.
    expect(statement).toContain(
      '"token_hash" = :r_previous_hash, "previous_hash" = "refresh_token_families"."token_hash"',
    );
    expect(statement).toContain('"refresh_token_families"."token_hash" = :r_token_hash');
    expect(statement).toContain('"refresh_token_families"."id" = :r_id');
    expect(statement).toContain('"refresh_token_families"."generation" = :r_generation');
    expect(statement).toContain('"scopes" @> :scopes::text[]');
    expect(statement).toContain('"users"."status" = :active');
    expect(statement).toContain('"expires_at" > :now');
    const script = pgbenchScript(ROTATION, 'picks');
    expect(script).toContain(
      '\\if :r_generation = 0\nSELECT family_id AS r_id FROM picks WHERE client = :client_id;\n\\gset\n\\endif',
    );
    expect(script.trimEnd().endsWith('\\gset r_')).toBe(true);
  });

  it('refuses a statement it cannot map, rather than benchmark something else', () => {
    expect(() =>
      scriptStatement(ROTATION.replace('"sid"', '"sid"').replace('"key_hash" = $2', '"key_bits" = $2')),
    ).toThrow(/no pgbench variable for "key_bits"/);
    expect(() => scriptStatement('select 1')).toThrow(/not the rotation statement/);
    expect(() => scriptStatement(ROTATION.replace('is null', 'is not distinct from $11'))).toThrow(/\$11/);
  });

  it("reads pgbench's summary", () => {
    expect(parsePgbenchOutput(PGBENCH_15)).toEqual({
      tps: 9123.456789,
      transactions: 91234,
      failed: 0,
      latencyMs: 0.876,
    });
    expect(() => parsePgbenchOutput('pgbench: error: connection refused')).toThrow(/no summary/);
  });

  it('reports the refresh grant as a fraction of the ceiling', () => {
    const ceiling = { tps: 8000, refreshRps: null, fraction: null } as unknown as PgbenchCeiling;
    expect(withRefresh(ceiling, 2000)).toMatchObject({ refreshRps: 2000, fraction: 0.25 });
    expect(withRefresh(ceiling, null).fraction).toBeNull();
    expect(withRefresh({ ...ceiling, tps: 0 }, 2000).fraction).toBeNull();
  });
});
