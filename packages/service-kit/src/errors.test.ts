import { InvalidGrantError, StoreUnavailableError } from '@gatehouse/core';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { toOAuthError } from './errors.js';

function logger() {
  return { warn: vi.fn(), error: vi.fn() } as unknown as FastifyBaseLogger & {
    warn: ReturnType<typeof vi.fn>;
    error: ReturnType<typeof vi.fn>;
  };
}

describe('toOAuthError', () => {
  it('passes OAuth errors through unchanged', () => {
    const error = new InvalidGrantError('nope');
    expect(toOAuthError(error, logger())).toBe(error);
  });

  it('fails closed on store outages: 503 temporarily_unavailable', () => {
    const log = logger();
    const mapped = toOAuthError(
      new StoreUnavailableError('cache', { cause: new Error('ECONNREFUSED') }),
      log,
    );
    expect(mapped.status).toBe(503);
    expect(mapped.code).toBe('temporarily_unavailable');
    expect(log.warn).toHaveBeenCalled();
  });

  it("turns Fastify's own 4xx errors into invalid_request", () => {
    const error = Object.assign(new Error('Unsupported Media Type: text/plain'), { statusCode: 415 });
    const mapped = toOAuthError(error, logger());
    expect(mapped.status).toBe(400);
    expect(mapped.body).toEqual({
      error: 'invalid_request',
      error_description: 'Unsupported Media Type: text/plain',
    });
  });

  it('hides everything else behind a generic 500 and logs it', () => {
    const log = logger();
    const mapped = toOAuthError(new Error('relation "users" does not exist at SELECT * FROM users'), log);
    expect(mapped.status).toBe(500);
    expect(mapped.body).toEqual({ error: 'server_error', error_description: 'an unexpected error occurred' });
    expect(log.error).toHaveBeenCalled();
  });
});
