import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { BrowserTransport } from '../browser/index.js';

/**
 * Fastify's `inject` as a browser's transport, for tests: the browser's cookie jar and form
 * handling over an app that never listens. `remoteAddress` is the browser's IP as the server
 * sees it (the login throttle counts per address). The request goes by path, as plain
 * `inject` calls do, so the app sees the same Host header either way.
 */
export function injectTransport(
  app: FastifyInstance,
  remoteAddress?: string,
): BrowserTransport<LightMyRequestResponse> {
  return {
    send: ({ url, method, headers, body }) =>
      app.inject({
        method: method as InjectOptions['method'],
        url: url.pathname + url.search,
        headers,
        ...(body === undefined ? {} : { payload: body }),
        ...(remoteAddress === undefined ? {} : { remoteAddress }),
      }),
    setCookies: (response) => {
      const lines = response.headers['set-cookie'];
      if (lines === undefined) return [];
      return Array.isArray(lines) ? lines : [String(lines)];
    },
  };
}
