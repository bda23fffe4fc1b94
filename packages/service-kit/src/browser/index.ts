// A scripted browser (cookie jar, forms, manual redirects) over a pluggable transport.
export { Browser, type BrowserRequestInit, type BrowserTransport, type OutgoingRequest } from './browser.js';
export { CookieJar } from './cookie-jar.js';
export { fetchTransport } from './fetch-transport.js';
