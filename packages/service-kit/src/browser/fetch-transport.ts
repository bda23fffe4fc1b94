import type { BrowserTransport } from './browser.js';

/** A real port through Node's fetch (redirects are the browser's to look at, never followed). */
export const fetchTransport: BrowserTransport<Response> = {
  send: ({ url, method, headers, body }) =>
    fetch(url, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body }) }),
  setCookies: (response) => response.headers.getSetCookie(),
};
