import { CookieJar } from './cookie-jar.js';

/** One request as it leaves the browser: cookies, form encoding and Origin already applied. */
export interface OutgoingRequest {
  url: URL;
  method: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string;
}

/**
 * How a browser reaches the server, answering in the transport's own response type
 * (fetch's `Response` on a real port, light-my-request's in `inject` tests) so that
 * callers keep reading what they always read.
 */
export interface BrowserTransport<R> {
  /** Sends exactly this request; never follows a redirect. */
  send(request: OutgoingRequest): Promise<R>;
  /** The response's `Set-Cookie` lines, one per cookie. */
  setCookies(response: R): string[];
}

export interface BrowserRequestInit {
  method?: string;
  /** Posted url-encoded (an undefined field is left out); the default method becomes POST. */
  form?: Record<string, string | undefined>;
  /** A body sent as is (its content type goes in `headers`). */
  body?: string;
  /** Over the browser's own headers; undefined removes one (a POST without Origin). */
  headers?: Record<string, string | undefined>;
}

/**
 * A scripted browser for one origin: keeps that origin's cookies, posts forms url-encoded
 * with `Origin` like a real browser (the CSRF check reads it, SEC-17), and never follows
 * redirects (callers look at each Location). Requests to other origins carry no cookies
 * and leave the jar alone.
 */
export class Browser<R> {
  readonly cookies = new CookieJar();

  constructor(
    readonly origin: string,
    private readonly transport: BrowserTransport<R>,
  ) {}

  async request(path: string, init: BrowserRequestInit = {}): Promise<R> {
    const url = new URL(path, this.origin);
    const ours = url.origin === this.origin;
    const headers: Record<string, string> = {};
    const cookie = ours ? this.cookies.header(url) : undefined;
    if (cookie !== undefined) headers.cookie = cookie;
    let body = init.body;
    if (init.form) {
      body = formBody(init.form);
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = this.origin;
    }
    for (const [name, value] of Object.entries(init.headers ?? {})) {
      if (value === undefined) delete headers[name.toLowerCase()];
      else headers[name.toLowerCase()] = value;
    }
    const method = init.method ?? (init.form ? 'POST' : 'GET');
    const response = await this.transport.send({
      url,
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    if (ours) for (const line of this.transport.setCookies(response)) this.cookies.store(line, url);
    return response;
  }

  get(path: string, headers: Record<string, string | undefined> = {}): Promise<R> {
    return this.request(path, { headers });
  }

  post(
    path: string,
    form: Record<string, string | undefined>,
    headers: Record<string, string | undefined> = {},
  ): Promise<R> {
    return this.request(path, { form, headers });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

function formBody(form: Record<string, string | undefined>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) if (value !== undefined) body.append(name, value);
  return body.toString();
}
