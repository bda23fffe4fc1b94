import { randomId } from '@gatehouse/core';
import { authorizeAsUser, HttpBrowser } from '@gatehouse/stack/testing';
import { forEachLimited, Progress } from '../progress.js';
import type { BaseSeed } from './seed.js';

let browsers = 0;

/**
 * A scripted browser (cookie jar, manual redirects) that counts its requests and comes from its
 * own client address. The stack runs with `TRUST_PROXY=127.0.0.1`, as behind the production
 * gateway, and each browser sends `X-Forwarded-For: 10.x.y.z`: the login throttle (100 attempts
 * per address per 15 minutes) would otherwise, rightly, stop a load test that signs a thousand
 * people in from one address.
 */
export class BenchBrowser extends HttpBrowser {
  count = 0;
  readonly address: string;
  constructor(origin: string) {
    super(origin);
    const n = ++browsers;
    this.address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }
  override request(
    path: Parameters<HttpBrowser['request']>[0],
    init: Parameters<HttpBrowser['request']>[1] = {},
  ): ReturnType<HttpBrowser['request']> {
    this.count++;
    return super.request(path, { ...init, headers: { 'x-forwarded-for': this.address, ...init.headers } });
  }
}

/**
 * Credentials minted through the product's own HTTP flows. Embedded runs need this: the
 * in-memory cache lives inside the stack process, so codes and access tokens cannot be written
 * from outside it. Minting happens before the timed windows.
 */

export function authorizePath(seed: BaseSeed): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: seed.client.clientId,
    redirect_uri: seed.client.redirectUri,
    scope: 'profile balance',
    state: randomId(12),
  });
  return `/api/oauth2/authorize?${query}`;
}

export function codeFrom(callback: URL): string {
  const code = callback.searchParams.get('code');
  if (!code) {
    const error = callback.searchParams.get('error');
    throw new Error(
      `authorization answered ${error ?? 'without a code'}: ${callback.searchParams.get('error_description') ?? callback}`,
    );
  }
  return code;
}

/** Signs `browsers` users in once each, then asks for codes with their sessions (consent is remembered). */
export async function mintCodesOverHttp(
  origin: string,
  seed: BaseSeed,
  count: number,
  label: string,
): Promise<string[]> {
  const codes: string[] = [];
  const progress = new Progress(label, count);
  const browsers = Math.min(32, seed.users.length, count);
  await forEachLimited(
    Array.from({ length: browsers }, (_, i) => i),
    browsers,
    async (b) => {
      const browser = new BenchBrowser(origin);
      const user = seed.users[b]!;
      const first = await authorizeAsUser(browser, authorizePath(seed), {
        username: user.username,
        password: seed.password,
      });
      codes.push(codeFrom(first.callback));
      progress.tick();
      while (codes.length < count) {
        const response = await browser.request(authorizePath(seed));
        const location = response.headers.get('location');
        await response.arrayBuffer();
        if (response.status !== 302 || !location)
          throw new Error(`authorize answered ${response.status} without a redirect`);
        const code = codeFrom(new URL(location, origin));
        if (codes.length < count) {
          codes.push(code);
          progress.tick();
        }
      }
    },
  );
  progress.finish();
  return codes;
}

/** Exchanges codes at the token endpoint; returns the access tokens. */
export async function exchangeCodesOverHttp(
  origin: string,
  seed: BaseSeed,
  codes: string[],
  label: string,
): Promise<string[]> {
  const progress = new Progress(label, codes.length);
  const tokens: string[] = new Array(codes.length);
  await forEachLimited(
    codes,
    16,
    async (code, i) => {
      const body = await postToken(
        origin,
        tokenForm(seed, { grant_type: 'authorization_code', code, redirect_uri: seed.client.redirectUri }),
      );
      tokens[i] = body.access_token;
    },
    progress,
  );
  progress.finish();
  return tokens;
}

export function tokenForm(seed: BaseSeed, fields: Record<string, string>): string {
  return new URLSearchParams({
    ...fields,
    client_id: seed.client.clientId,
    client_secret: seed.client.secret,
  }).toString();
}

export interface TokenResponseBody {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

export async function postToken(origin: string, form: string): Promise<TokenResponseBody> {
  const response = await fetch(`${origin}/api/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`token endpoint answered ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as TokenResponseBody;
  if (!body.access_token || body.token_type !== 'Bearer')
    throw new Error(`unexpected token response: ${text.slice(0, 300)}`);
  return body;
}
