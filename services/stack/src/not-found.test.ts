import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStack, startTestStack } from './running-stack.js';

/**
 * API.md §10 in the one-process stack: the three services share one Fastify instance,
 * and unknown paths get the same answers as behind the gateway.
 */
describe('unknown paths in the one-process stack', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack?.close();
  });

  const get = (path: string, init: RequestInit = {}) => fetch(`${stack.origin}${path}`, init);

  it('a browser gets the 404 page, with the stylesheet and the strict CSP', async () => {
    const response = await get('/no-such-page', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'none'");
    const html = await response.text();
    expect(html).toContain('<title>Page not found · Gatehouse</title>');
    expect(html).toContain('href="/assets/gatehouse.css"');
  });

  it('API paths get JSON in their API’s format, whichever service owns the prefix', async () => {
    const oauth = await get('/api/oauth2/token');
    expect(oauth.status).toBe(404);
    expect(await oauth.json()).toEqual({
      error: 'not_found',
      error_description: 'there is no GET /api/oauth2/token endpoint',
    });
    const messages = {
      '/api/oauth_apps/1/nothing': 'there is no GET /api/oauth_apps/1/nothing endpoint',
      // This stack runs without an admin token: the admin API is off and says so.
      '/api/admin/users': expect.stringMatching(/^the admin API is disabled on this server/),
    };
    for (const [path, message] of Object.entries(messages)) {
      const response = await get(path, { headers: { accept: 'text/html' } });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(await response.json(), path).toEqual({ success: false, message, data: null });
    }
  });
});
