import { GatehouseError, OAuthResponseError } from './errors.js';
import { basicAuthorization, type FetchLike, readJson, responseError, send } from './http.js';
import { type TokenSet, toTokenSet } from './tokens.js';

export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** What to show the person: where to go and which code to enter (RFC 8628 §3.3). */
export interface DevicePrompt {
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds the code stays valid. */
  expiresIn: number;
}

export interface DeviceLoginOptions {
  /** e.g. `https://id.example.com` */
  issuer: string;
  clientId: string;
  /** Only for confidential clients; CLIs and TVs are normally public clients without one. */
  clientSecret?: string;
  scope?: string;
  /** Shows the code; default: prints it to stderr. */
  onPrompt?: (prompt: DevicePrompt) => void;
  fetch?: FetchLike;
  /** Waits between polls (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function printPrompt(prompt: DevicePrompt): void {
  const where = prompt.verificationUriComplete ?? prompt.verificationUri;
  process.stderr.write(`To sign in, open ${where}\nand check that it shows the code ${prompt.userCode}.\n`);
}

/**
 * The device authorization grant (RFC 8628) for Node CLIs: asks for a code, shows it, and
 * polls the token endpoint politely — every `interval` seconds, 5 s more after each
 * `slow_down` — until the person approves (tokens), denies (`access_denied`) or the code
 * expires (`expired_token`); those end as an `OAuthResponseError`.
 */
export async function deviceLogin(options: DeviceLoginOptions): Promise<TokenSet> {
  const fetchFn = options.fetch ?? fetch;
  const sleep = options.sleep ?? wait;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const issuer = options.issuer.replace(/\/+$/, '');
  const metadata = (await readJson(
    await send(fetchFn, `${issuer}/.well-known/oauth-authorization-server`, {}, timeoutMs),
  )) as { device_authorization_endpoint?: string; token_endpoint?: string } | undefined;
  const deviceEndpoint = metadata?.device_authorization_endpoint;
  const tokenEndpoint = metadata?.token_endpoint;
  if (!deviceEndpoint || !tokenEndpoint) {
    throw new GatehouseError(`${issuer} does not advertise a device_authorization_endpoint`);
  }

  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body: Record<string, string> = {};
  if (options.clientSecret)
    headers.authorization = basicAuthorization(options.clientId, options.clientSecret);
  else body.client_id = options.clientId;
  const post = (url: string, params: Record<string, string>) =>
    send(
      fetchFn,
      url,
      { method: 'POST', headers, body: new URLSearchParams({ ...body, ...params }) },
      timeoutMs,
    );

  const started = await post(deviceEndpoint, options.scope ? { scope: options.scope } : {});
  if (!started.ok) throw await responseError(started);
  const answer = (await readJson(started)) as {
    device_code: string;
    user_code: string;
    verification_uri: string;
    verification_uri_complete?: string;
    expires_in: number;
    interval?: number;
  };
  (options.onPrompt ?? printPrompt)({
    userCode: answer.user_code,
    verificationUri: answer.verification_uri,
    ...(answer.verification_uri_complete
      ? { verificationUriComplete: answer.verification_uri_complete }
      : {}),
    expiresIn: answer.expires_in,
  });

  let interval = answer.interval ?? 5;
  for (;;) {
    options.signal?.throwIfAborted();
    await sleep(interval * 1000);
    const sentAt = Date.now();
    const response = await post(tokenEndpoint, {
      grant_type: DEVICE_CODE_GRANT_TYPE,
      device_code: answer.device_code,
    });
    if (response.ok) return toTokenSet(await readJson(response), sentAt);
    const error = await responseError(response);
    if (error instanceof OAuthResponseError && error.error === 'authorization_pending') continue;
    if (error instanceof OAuthResponseError && error.error === 'slow_down') {
      interval += 5;
      continue;
    }
    throw error;
  }
}
