import { DuplicateError, StoreUnavailableError } from '@gatehouse/core';
import { DrizzleQueryError } from 'drizzle-orm/errors';

/**
 * A database error other than "unreachable" or "duplicate". It carries only the
 * server's message and SQLSTATE: Drizzle's and PGlite's own errors embed the SQL
 * text and its parameters (password hashes, token hashes), which must not reach
 * logs or responses.
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface DriverError {
  message?: unknown;
  code?: unknown;
  /** postgres.js */
  constraint_name?: unknown;
  /** PGlite */
  constraint?: unknown;
  errors?: unknown;
}

/** Unique constraints whose violation means "already taken", by the port field they protect. */
const duplicateFields: Record<string, string> = {
  users_username_lower_key: 'username',
  users_email_lower_key: 'email',
  clients_client_id_key: 'clientId',
  developer_tokens_token_hash_key: 'tokenHash',
  email_tokens_token_hash_key: 'tokenHash',
  refresh_token_families_pkey: 'familyId',
  refresh_token_legacy_hashes_pkey: 'tokenHash',
  signing_keys_pkey: 'kid',
  topup_codes_pkey: 'codeHash',
  ledger_entries_user_idempotency_key: 'idempotencyKey',
  passkeys_credential_id_key: 'credentialId',
};

const socketErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // postgres.js
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/** SQLSTATEs that say the server cannot serve us right now, not that the query was wrong. */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300', '3D000']);

/** The driver's error under Drizzle's wrapper (which puts the SQL text in its message). */
export function driverError(error: unknown): DriverError | undefined {
  let current = error;
  while (current instanceof DrizzleQueryError) current = current.cause;
  return typeof current === 'object' && current !== null ? (current as DriverError) : undefined;
}

function sqlState(error: unknown): string | undefined {
  // postgres.js also uses `code` for its own connection errors (CONNECTION_CLOSED); SQLSTATEs are 5 characters.
  const code = driverError(error)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (sqlState(error) !== '23505') return false;
  return constraint === undefined || constraintOf(error) === constraint;
}

function constraintOf(error: unknown): string | undefined {
  const driver = driverError(error);
  const name = driver?.constraint_name ?? driver?.constraint;
  return typeof name === 'string' ? name : undefined;
}

export function isConnectionFailure(error: unknown): boolean {
  const driver = driverError(error);
  if (!driver) return false;
  const code = typeof driver.code === 'string' ? driver.code : '';
  if (socketErrorCodes.has(code) || unavailableSqlStates.has(code) || code.startsWith('08')) return true;
  if (typeof driver.message === 'string' && /^PGlite is clos(ed|ing)/.test(driver.message)) return true;
  // Node reports a refused dual-stack connect as an AggregateError of per-address errors.
  return Array.isArray(driver.errors) && driver.errors.some(isConnectionFailure);
}

/** Translates a driver error into what the ports promise: StoreUnavailableError, DuplicateError or DatabaseError. */
export function toStoreError(error: unknown): Error {
  if (error instanceof StoreUnavailableError || error instanceof DuplicateError) return error;
  if (error instanceof DatabaseError) return error;
  if (isConnectionFailure(error)) return new StoreUnavailableError('database', { cause: sanitized(error) });
  if (isUniqueViolation(error)) {
    const constraint = constraintOf(error) ?? 'unknown';
    return new DuplicateError(duplicateFields[constraint] ?? constraint);
  }
  if (sqlState(error) !== undefined || error instanceof DrizzleQueryError) return sanitized(error);
  // Not from the database (a bug in our code): it holds no SQL, keep it as it is.
  return error as Error;
}

/** The driver's message and code without the query text and parameters it may carry. */
function sanitized(error: unknown): DatabaseError {
  const driver = driverError(error);
  const message = typeof driver?.message === 'string' ? driver.message : 'database query failed';
  const code = typeof driver?.code === 'string' ? driver.code : undefined;
  return new DatabaseError(message, code);
}

export function rethrowAsStoreError(error: unknown): never {
  throw toStoreError(error);
}

/** Wraps every method of a store so that no driver error escapes untranslated. */
export function translateErrors<T extends object>(store: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(store)) {
    wrapped[name] =
      typeof method === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await method(...args);
            } catch (error) {
              rethrowAsStoreError(error);
            }
          }
        : method;
  }
  return wrapped as T;
}
