import { describe, expect, it } from 'vitest';
import { useTokenApp } from './testing/harness.js';

const t = useTokenApp();

describe('unknown paths and methods (API.md §10)', () => {
  it.each([
    ['GET', '/api/oauth2/token'],
    ['PUT', '/api/oauth2/revoke'],
    ['POST', '/api/oauth2/token/extra'],
  ] as const)('%s %s: 404 with the OAuth error body, never cached', async (method, url) => {
    const response = await t.app.inject({ method, url });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      error: 'not_found',
      error_description: `there is no ${method} ${url} endpoint`,
    });
  });
});
