/**
 * JSON schemas for request bodies and queries, compiled once by Fastify when the
 * routes are registered. They check shape and types; the rules with messages a
 * person can act on (URL rules, lengths) live in `@gatehouse/core/accounts`.
 */

/** Largest quota amount a JSON number carries exactly (2^53 - 1). */
export const MAX_QUOTA = Number.MAX_SAFE_INTEGER;

/** An amount of quota units: a whole number from 1 up to 2^53 - 1. */
export const quotaAmount = { type: 'integer', minimum: 1, maximum: MAX_QUOTA } as const;

/** A decimal amount of CURRENCY ("10", "10.5", "10.50"), the alternative to `quota`. */
export const decimalAmount = { type: 'string', minLength: 1, maxLength: 40 } as const;

/** The registration fields of an app, shared by the developer and admin APIs. */
export const appFields = {
  name: { type: 'string', maxLength: 1000 },
  description: { type: 'string', maxLength: 10_000 },
  homepage_url: { type: ['string', 'null'], maxLength: 10_000 },
  redirect_uri: { type: 'string', maxLength: 10_000 },
  redirect_uris: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 10_000 } },
  token_endpoint_auth_method: { type: 'string', maxLength: 100 },
  allowed_origins: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 10_000 } },
  device_grant_enabled: { type: 'boolean' },
} as const;

/**
 * Fastify's validator coerces types (`"100"` → 100, `true` → 1). Money and switches
 * must arrive as real JSON numbers and booleans, so these fields are checked before
 * the schema runs: `{ "quota": true }` is refused, not read as one quota unit.
 */
export function requireJsonTypes(fields: Record<string, 'number' | 'boolean'>) {
  return async (request: { body: unknown }) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null) return;
    for (const [field, type] of Object.entries(fields)) {
      const value = (body as Record<string, unknown>)[field];
      if (value !== undefined && typeof value !== type) {
        throw Object.assign(new Error(`${field} must be a JSON ${type}, not ${describe(value)}`), {
          statusCode: 400,
        });
      }
    }
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
