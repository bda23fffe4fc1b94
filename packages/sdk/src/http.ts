import { GatehouseError, OAuthResponseError } from './errors.js';

/** The part of the WHATWG `fetch` the SDK uses; inject your own (tests, proxies, tracing). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** `application/x-www-form-urlencoded` encoding of one value (RFC 6749 Appendix B). */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** `client_secret_basic` (RFC 6749 §2.3.1): both parts form-encoded before Base64. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
}

/** One request; a network failure or timeout becomes a `GatehouseError` naming the URL. */
export async function send(
  fetchFn: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Response> {
  try {
    return await fetchFn(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new GatehouseError(`could not reach Gatehouse at ${url}: ${reason}`, { cause });
  }
}

export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `error="..."` and `error_description="..."` of a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3). */
function challengeParams(header: string | null): { error?: string; description?: string } {
  if (!header) return {};
  const error = /\berror="([^"]*)"/.exec(header)?.[1];
  const description = /\berror_description="([^"]*)"/.exec(header)?.[1];
  return { ...(error ? { error } : {}), ...(description ? { description } : {}) };
}

/** A non-2xx response as an `OAuthResponseError`: the body's OAuth error, else the challenge, else the status. */
export async function responseError(response: Response): Promise<OAuthResponseError> {
  const body = await readJson(response);
  if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') {
    const { error, error_description } = body as { error: string; error_description?: unknown };
    return new OAuthResponseError(
      error,
      typeof error_description === 'string' ? error_description : undefined,
      response.status,
    );
  }
  const challenge = challengeParams(response.headers.get('www-authenticate'));
  if (challenge.error) return new OAuthResponseError(challenge.error, challenge.description, response.status);
  return new OAuthResponseError(
    response.status >= 500 ? 'server_error' : 'invalid_response',
    `Gatehouse answered HTTP ${response.status} ${response.statusText}`.trim(),
    response.status,
  );
}

/** The JSON body of a 2xx response, or the response's error. */
export async function expectJson(response: Response): Promise<unknown> {
  if (!response.ok) throw await responseError(response);
  const body = await readJson(response);
  if (body === undefined) {
    throw new GatehouseError(`Gatehouse answered ${response.status} without a JSON body at ${response.url}`);
  }
  return body;
}
