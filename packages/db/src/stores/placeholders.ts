import { type Column, sql } from 'drizzle-orm';

/**
 * A prepared-statement placeholder whose value is encoded the way `column` encodes
 * it (Date → ISO string, string[] → array literal). Bare placeholders skip the
 * column's encoder, and postgres.js would then send a Date in its toString() form.
 */
export function placeholder(name: string, column: Column) {
  return sql.param(sql.placeholder(name), column);
}

/** A prepared-statement placeholder for a whole column of a batch: a Postgres `type[]`, for `unnest`. */
export function arrayPlaceholder(name: string, type: 'int' | 'text') {
  return sql`${sql.placeholder(name)}::${sql.raw(type)}[]`;
}
