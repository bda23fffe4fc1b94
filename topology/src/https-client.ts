import { Agent, request as httpsRequest } from 'node:https';
import type { BrowserTransport } from '@gatehouse/service-kit/browser';
import { HttpBrowser } from '@gatehouse/stack/testing';

export interface GatewayResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = Record<string, unknown>>(): T;
  header(name: string): string | undefined;
}

export interface GatewayRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Shorthand: form-encodes the fields and sets the content type. */
  form?: Record<string, string>;
  /** Shorthand: JSON-encodes the value and sets the content type. */
  json?: unknown;
}

/**
 * HTTPS to the gateway with Caddy's local root certificate trusted explicitly (Node's
 * fetch cannot be given a CA at run time, node:https can). Keep-alive, like a real
 * client that sends many requests.
 */
export class GatewayClient {
  readonly agent: Agent;

  constructor(
    readonly origin: string,
    ca: string | Buffer,
    maxSockets = 16,
  ) {
    this.agent = new Agent({ ca, keepAlive: true, maxSockets });
  }

  request(path: string, init: GatewayRequest = {}): Promise<GatewayResponse> {
    const url = new URL(path, this.origin);
    const headers: Record<string, string> = { ...init.headers };
    let body = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] ??= 'application/json';
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method: init.method ?? (body === undefined ? 'GET' : 'POST'),
          headers,
          agent: this.agent,
          timeout: 15_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              json: <T>() => JSON.parse(text) as T,
              header: (name: string) => {
                const value = res.headers[name.toLowerCase()];
                return Array.isArray(value) ? value.join(', ') : value;
              },
            });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout: ${req.method} ${url.pathname}`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** A GatewayClient as a browser's transport, answering fetch `Response`s like the fetch one. */
function gatewayTransport(client: GatewayClient): BrowserTransport<Response> {
  return {
    async send({ url, method, headers, body }) {
      if (url.origin !== client.origin) throw new Error(`refusing to leave the gateway: ${url.origin}`);
      const answer = await client.request(url.pathname + url.search, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined) continue;
        for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item);
      }
      return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.text, {
        status: answer.status,
        headers: responseHeaders,
      });
    },
    setCookies: (response) => response.headers.getSetCookie(),
  };
}

/**
 * The stack's scripted browser (cookie jar, manual redirects, forms), speaking HTTPS
 * through a GatewayClient, so `authorizeAsUser` drives the real gateway.
 */
export class HttpsBrowser extends HttpBrowser {
  constructor(client: GatewayClient) {
    super(client.origin, gatewayTransport(client));
  }

  /** Every cookie the browser holds (names include the `__Host-` prefix). */
  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }
}
