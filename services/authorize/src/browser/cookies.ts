import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Config } from '@gatehouse/core';

/**
 * Browser cookies (SEC-17): HttpOnly, SameSite=Lax, Path=/; outside development
 * also Secure and the `__Host-` prefix (which the browser only accepts with Secure,
 * Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite them).
 */
export function cookieName(config: Pick<Config, 'env'>, base: string): string {
  return config.env === 'development' ? base : `__Host-${base}`;
}

export function cookieOptions(config: Pick<Config, 'env'>, maxAgeSeconds?: number): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.env !== 'development',
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}
