import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { useAuthorizeApp } from './testing/harness.js';

const world = useAuthorizeApp();

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

function expectPageNotFound(response: LightMyRequestResponse, what: string): void {
  expect(response.statusCode, what).toBe(404);
  expect(response.headers['content-type'], what).toBe('text/html; charset=utf-8');
  expect(response.body, what).toContain('<title>Page not found · Gatehouse</title>');
  expect(response.body, what).toContain('href="/assets/gatehouse.css"');
  expect(response.body, what).toContain('There is no page at this address.');
  expect(response.body, what).not.toContain('Route ');
  const csp = String(response.headers['content-security-policy']);
  expect(csp, what).toContain("script-src 'none'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(response.headers['cache-control'], what).toBe('no-store');
}

describe('unknown paths (API.md §10)', () => {
  it('a browser asking for an unknown page gets the 404 page in the layout, CSP intact', async () => {
    expectPageNotFound(await world.app.inject({ url: '/no-such-page', headers: HTML }), 'GET /no-such-page');
    expectPageNotFound(await world.app.inject({ url: '/console/nope/deeper?x=1', headers: HTML }), 'nested');
    expectPageNotFound(await world.app.inject({ url: '/no-such-page' }), 'without an Accept header');
  });

  it('a method a page does not take is the same 404 page, not a CSRF refusal or raw JSON', async () => {
    expectPageNotFound(
      await world.app.inject({ method: 'DELETE', url: '/login', headers: HTML }),
      'DELETE /login',
    );
    expectPageNotFound(
      await world.app.inject({ method: 'POST', url: '/nowhere', headers: HTML, payload: { a: 1 } }),
      'POST /nowhere',
    );
  });

  it('the page never echoes the address it was asked for', async () => {
    const response = await world.app.inject({ url: '/%3Cb%3Ehello%3C%2Fb%3E', headers: HTML });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('hello');
  });

  it('unknown /api/oauth2/ paths answer the OAuth error body', async () => {
    for (const [method, url] of [
      ['GET', '/api/oauth2/nope'],
      ['POST', '/api/oauth2/authorize/extra'],
      ['PUT', '/api/oauth2/authorize'],
    ] as const) {
      const response = await world.app.inject({ method, url: `${url}?secret=abc`, headers: HTML });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/json/);
      expect(response.json(), url).toEqual({
        error: 'not_found',
        error_description: `there is no ${method} ${url} endpoint`,
      });
    }
  });

  it('other unknown /api/ paths answer the developer and admin APIs’ wrapper', async () => {
    const response = await world.app.inject({ url: '/api/nothing-here', headers: HTML });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      success: false,
      message: 'there is no GET /api/nothing-here endpoint',
      data: null,
    });
  });
});
