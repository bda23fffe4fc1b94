import { Agent, request as httpsRequest } from 'node:https';
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

/**
 * The stack's scripted browser (cookie jar, manual redirects, forms), speaking HTTPS
 * through a GatewayClient, so `authorizeAsUser` drives the real gateway.
 */
export class HttpsBrowser extends HttpBrowser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly client: GatewayClient) {
    super(client.origin);
  }

  override async request(
    path: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = new URL(path, this.origin);
    if (url.origin !== this.origin) throw new Error(`refusing to leave the gateway: ${url.origin}`);
    const headers: Record<string, string> = { ...init.headers };
    if (this.jar.size > 0) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers.origin ??= this.origin;
    const method = init.method ?? (init.form ? 'POST' : 'GET');
    const answer = await this.client.request(url.pathname + url.search, {
      method,
      headers,
      ...(init.form ? { form: init.form } : {}),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item);
    }
    this.store(responseHeaders.getSetCookie());
    return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.text, {
      status: answer.status,
      headers: responseHeaders,
    });
  }

  private store(lines: string[]): void {
    for (const line of lines) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  override cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** Every cookie the browser holds (names include the `__Host-` prefix). */
  cookieNames(): string[] {
    return [...this.jar.keys()];
  }
}
