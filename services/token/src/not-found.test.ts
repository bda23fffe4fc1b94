import type { Stores } from '@gatehouse/core';
import { createTestStores } from '@gatehouse/service-kit/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTokenApp } from './testing/harness.js';

let stores: Stores & { close(): Promise<void> };
let app: FastifyInstance;

beforeAll(async () => {
  stores = await createTestStores();
  app = await buildTokenApp(stores);
});

afterAll(async () => {
  await app?.close();
  await stores?.close();
});

describe('unknown paths and methods (API.md §10)', () => {
  it.each([
    ['GET', '/api/oauth2/token'],
    ['PUT', '/api/oauth2/revoke'],
    ['POST', '/api/oauth2/token/extra'],
  ] as const)('%s %s: 404 with the OAuth error body, never cached', async (method, url) => {
    const response = await app.inject({ method, url });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      error: 'not_found',
      error_description: `there is no ${method} ${url} endpoint`,
    });
  });
});
