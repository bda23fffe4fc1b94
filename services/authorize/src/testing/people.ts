/**
 * Test support for the account and console pages (excluded from the build): tokens issued by
 * the code exchange's own function (the test world's `issueTokens`).
 */
import { type Client, readRefreshToken, type Stores, sha256Hex, type User } from '@gatehouse/core';
import { issueTokens } from '@gatehouse/service-kit/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { Browser, hiddenField, seedUser } from './harness.js';

export interface IssuedTokens {
  familyId: string;
  accessToken: string;
  refreshToken: string;
}

/** A grant plus one live token family (refresh token in the database, access token in the cache). */
export async function grantAndIssue(
  stores: Stores,
  user: User,
  client: Client,
  scopes: string[] = ['profile'],
): Promise<IssuedTokens> {
  await stores.db.grants.upsert(user.id, client.id, scopes);
  const tokens = await issueTokens(stores, client, user, { scopes });
  return { familyId: tokens.familyId, accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}

/** True while both tokens of the family still work. */
export async function tokensAlive(
  stores: Stores,
  tokens: IssuedTokens,
): Promise<{ access: boolean; refresh: boolean }> {
  const access = await stores.cache.accessTokens.get(sha256Hex(tokens.accessToken));
  const refresh = await stores.db.refreshTokens.find(readRefreshToken(tokens.refreshToken));
  return { access: access !== null, refresh: refresh !== null && refresh.revokedAt === null };
}

/** A new user and a browser signed in as them. */
export async function signedInBrowser(
  app: FastifyInstance,
  stores: Stores,
  origin?: string,
): Promise<{ user: User; browser: Browser }> {
  const user = await seedUser(stores);
  const browser = new Browser(app, undefined, origin);
  const login = await browser.login(user.username);
  if (login.statusCode !== 303) throw new Error(`login failed with ${login.statusCode}`);
  return { user, browser };
}

/** The `_csrf` of the form posting to `action` on the page. */
export function csrfOf(page: LightMyRequestResponse, action: string): string {
  return hiddenField(page.body, '_csrf', action);
}

/** Decodes the few entities eta's escaping produces. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The text of the element with this id, tags stripped (up to its closing tag). */
export function textOf(html: string, id: string): string {
  const match = new RegExp(`<(\\w+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  if (!match) throw new Error(`no element #${id} in page`);
  return unescapeHtml(
    match[2]!
      .replace(/<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** Every security header the pages must carry (SEC-18). */
export function expectPageHeaders(response: LightMyRequestResponse, name = 'page'): void {
  const csp = String(response.headers['content-security-policy']);
  expect(csp, name).toContain("frame-ancestors 'none'");
  expect(csp, name).toContain("script-src 'none'");
  expect(csp, name).not.toContain('unsafe-inline');
  expect(response.headers['x-frame-options'], name).toBe('DENY');
  expect(response.headers['referrer-policy'], name).toBe('no-referrer');
  expect(response.headers['cache-control'], name).toBe('no-store');
  expect(response.headers['content-type'], name).toMatch(/^text\/html/);
  expect(response.body, name).not.toMatch(/<script|\son[a-z]+=|\sstyle=|<style/i);
}
