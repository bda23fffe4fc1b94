import { CliError } from '../admin-client.js';
import type { Command } from '../command.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How often the waiting message says how much time is left. */
const PROGRESS_EVERY_MS = 30_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function postForm(url: string, body: Record<string, string>, authorization?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (authorization) headers.authorization = authorization;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(body) });
  } catch (error) {
    throw new CliError(`cannot reach ${url}: ${(error as Error).message}`, 1);
  }
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
  };
}

/** RFC 6749 §2.3.1: each half form-url-encoded, then base64. */
function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** What went wrong, in words that say what to do next. */
function explain(answer: Answer, clientId: string, hasSecret: boolean): string {
  const error = String(answer.body.error ?? `HTTP ${answer.status}`);
  const detail =
    typeof answer.body.error_description === 'string' ? ` (${answer.body.error_description})` : '';
  switch (error) {
    case 'unauthorized_client':
      return `${clientId} may not use device sign-in: enable it in the console ("Device sign-in") or with \`gatehouse clients allow-device ${clientId}\``;
    case 'invalid_client':
      return hasSecret
        ? `client authentication failed: check --client-id and the secret in GATEHOUSE_CLIENT_SECRET`
        : `client authentication failed: ${clientId} is unknown, or it has a secret (set GATEHOUSE_CLIENT_SECRET)`;
    case 'access_denied':
      return 'the sign-in was denied in the browser';
    case 'expired_token':
      return 'the code expired before it was approved; run the command again';
    case 'invalid_scope':
      return `the scope was refused${detail}`;
    default:
      return `${error}${detail}`;
  }
}

function minutesAndSeconds(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * `gatehouse login --device`: a working example of the device authorization grant (RFC 8628)
 * against any Gatehouse, for any client with device sign-in enabled — a public one (client id
 * alone) or a confidential one (its secret from GATEHOUSE_CLIENT_SECRET, sent as HTTP Basic;
 * never a flag, so it stays out of shell history). Shows the code, polls every `interval`
 * seconds (5 s more after each slow_down), says how long the code has left, and prints the
 * tokens to stdout; everything else goes to stderr.
 */
export const loginCommand: Command = {
  name: 'login',
  summary: 'sign in as a user with the device grant (--device) and print the tokens',
  options: {
    device: { type: 'boolean' },
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    scope: { type: 'string' },
  },
  help: [
    '--device                 use the device authorization grant (the only mode for now)',
    '--issuer <url>           the server (default --url / GATEHOUSE_URL)',
    '--client-id <id>         a client with device sign-in enabled (public, or confidential',
    '                         with its secret in GATEHOUSE_CLIENT_SECRET)',
    '--scope <scopes>         default "profile balance"',
  ],
  async run(values, _positionals, { json }) {
    if (values.device !== true)
      throw new CliError('login needs --device (the device authorization grant)', 2);
    const issuer = String(
      values.issuer ?? values.url ?? process.env.GATEHOUSE_URL ?? 'http://localhost:3000',
    ).replace(/\/+$/, '');
    const clientId = values['client-id'];
    if (typeof clientId !== 'string' || clientId === '') throw new CliError('login needs --client-id', 2);
    const secret = process.env.GATEHOUSE_CLIENT_SECRET || undefined;
    const authorization = secret ? basic(clientId, secret) : undefined;
    const client: Record<string, string> = secret ? {} : { client_id: clientId };

    let metadata: { device_authorization_endpoint?: string; token_endpoint?: string };
    try {
      const response = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
      metadata = response.ok ? ((await response.json()) as typeof metadata) : {};
    } catch (error) {
      throw new CliError(`cannot reach ${issuer}: ${(error as Error).message}`, 1);
    }
    if (!metadata.device_authorization_endpoint || !metadata.token_endpoint) {
      throw new CliError(`${issuer} does not offer the device authorization grant (no metadata says so)`, 1);
    }
    const started = await postForm(
      metadata.device_authorization_endpoint,
      { ...client, scope: typeof values.scope === 'string' ? values.scope : 'profile balance' },
      authorization,
    );
    if (started.status !== 200) {
      throw new CliError(
        `device authorization refused: ${explain(started, clientId, secret !== undefined)}`,
        1,
      );
    }
    const { device_code, user_code, verification_uri, verification_uri_complete } = started.body as Record<
      string,
      string
    >;
    const expiresAt = Date.now() + Number(started.body.expires_in ?? 600) * 1000;
    process.stderr.write(
      `Open ${verification_uri_complete ?? verification_uri} in a browser\n` +
        `and check that it shows the code ${user_code}` +
        (verification_uri_complete ? ` (or open ${verification_uri} and enter it)` : '') +
        '.\n' +
        `Waiting for approval… (the code expires in ${minutesAndSeconds(expiresAt - Date.now())})\n`,
    );
    let interval = Number(started.body.interval ?? 5);
    let nextProgress = Date.now() + PROGRESS_EVERY_MS;
    for (;;) {
      await sleep(interval * 1000);
      const polled = await postForm(
        metadata.token_endpoint,
        { ...client, grant_type: GRANT, device_code: device_code! },
        authorization,
      );
      if (polled.status === 200) {
        process.stderr.write('Approved.\n');
        if (json) console.log(JSON.stringify(polled.body, null, 2));
        else {
          console.log(`Signed in (scope: ${polled.body.scope}).`);
          console.log(`access_token  ${polled.body.access_token}`);
          console.log(`refresh_token ${polled.body.refresh_token}`);
        }
        return;
      }
      if (polled.body.error === 'slow_down') {
        interval += 5;
        process.stderr.write(`The server asked to poll less often: every ${interval} s now.\n`);
        continue;
      }
      if (polled.body.error !== 'authorization_pending') {
        throw new CliError(`sign-in ended: ${explain(polled, clientId, secret !== undefined)}`, 1);
      }
      if (Date.now() >= nextProgress) {
        nextProgress = Date.now() + PROGRESS_EVERY_MS;
        process.stderr.write(`Still waiting… (${minutesAndSeconds(expiresAt - Date.now())} left)\n`);
      }
    }
  },
};
