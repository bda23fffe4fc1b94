// `gatehouse flow-test`: the whole OAuth flow as one script of named steps, in the order a
// client runs them (metadata, callback, authorize, code, token, userinfo, refresh, reuse,
// revoke); one file so it reads top to bottom like the flow it checks.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { authorizeAsUser, HttpBrowser, pageMessage } from '../../flow/http-browser.js';
import { CliError } from '../admin-client.js';
import type { Command } from '../command.js';

interface StepResult {
  ok: boolean;
  ms: number;
  detail: string;
}

/** A failed step: what went wrong and how to fix it. */
class StepFailure extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

interface Metadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  revocation_endpoint: string;
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Waits for one request on the redirect URI's loopback port and answers it with a short page. */
function listenForCallback(redirectUri: URL): {
  ready: Promise<void>;
  callback: Promise<URL>;
  close(): void;
} {
  let server: Server;
  let resolveCallback: (url: URL) => void;
  const callback = new Promise<URL>((resolve) => {
    resolveCallback = resolve;
  });
  const ready = new Promise<void>((resolve, reject) => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', redirectUri);
      if (url.pathname !== redirectUri.pathname) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Gatehouse flow test: callback received. You can close this tab.\n');
      resolveCallback(url);
    });
    server.once('error', reject);
    const host = redirectUri.hostname.replace(/^\[|\]$/g, '');
    server.listen(Number(redirectUri.port || 80), host, () => resolve());
  });
  return { ready, callback, close: () => server?.close() };
}

async function json<T>(response: Response, step: string, hint: string): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const said = text.trimStart().startsWith('<') ? pageMessage(text) : text.slice(0, 120);
    throw new StepFailure(`${step} answered ${response.status} with a non-JSON body: ${said}`, hint);
  }
  if (!response.ok) {
    const { error, error_description } = body as { error?: string; error_description?: string };
    throw new StepFailure(
      `${step} answered ${response.status} ${error ?? ''}: ${error_description ?? text.slice(0, 120)}`,
      hint,
    );
  }
  return body as T;
}

export const flowTestCommand: Command = {
  name: 'flow-test',
  summary: 'run the whole OAuth flow against a Gatehouse server and report each step',
  options: {
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    scope: { type: 'string' },
    timeout: { type: 'string' },
  },
  help: [
    '--issuer <url>           the server, e.g. http://localhost:3000',
    '--client-id <id>         a registered client',
    '--client-secret <secret> its secret',
    '--redirect-uri <uri>     a registered loopback redirect URI, e.g. http://127.0.0.1:8765/callback',
    '--username <name>        sign in automatically as this user (with --password) and grant',
    '--password <password>      the client consent on that account; without them the tool',
    '                           prints the URL to open and waits for the callback',
    '--scope <scopes>         default "profile balance"',
    '--timeout <seconds>      how long to wait for a manual sign-in, default 300',
  ],
  async run(values) {
    const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
    const issuer = text('issuer')?.replace(/\/+$/, '');
    const clientId = text('client-id');
    const clientSecret = text('client-secret');
    const redirect = text('redirect-uri');
    if (!issuer || !clientId || !clientSecret || !redirect) {
      throw new CliError('flow-test needs --issuer, --client-id, --client-secret and --redirect-uri', 2);
    }
    const redirectUri = new URL(redirect);
    if (!LOOPBACK.has(redirectUri.hostname) || redirectUri.protocol !== 'http:') {
      throw new CliError(
        '--redirect-uri must be an http loopback URI (localhost, 127.0.0.1 or [::1]) the tool can listen on',
        2,
      );
    }
    const username = text('username');
    const password = text('password');
    const scope = text('scope') ?? 'profile balance';
    const timeoutMs = Number(text('timeout') ?? 300) * 1000;
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;

    let failed = false;
    const report = (name: string, result: StepResult) => {
      console.log(
        `${result.ok ? 'PASS' : 'FAIL'}  ${name.padEnd(14)} ${String(result.ms).padStart(5)} ms  ${result.detail}`,
      );
    };
    async function step<T>(name: string, fn: () => Promise<[T, string]>): Promise<T> {
      if (failed) throw new CliError('flow test failed', 1);
      const started = performance.now();
      try {
        const [value, detail] = await fn();
        report(name, { ok: true, ms: Math.round(performance.now() - started), detail });
        return value;
      } catch (error) {
        failed = true;
        const hint = error instanceof StepFailure ? `\n      fix: ${error.hint}` : '';
        report(name, {
          ok: false,
          ms: Math.round(performance.now() - started),
          detail: `${(error as Error).message}${hint}`,
        });
        throw new CliError(`flow test failed at "${name}"`, 1);
      }
    }
    const tokenRequest = (body: Record<string, string>) =>
      fetch(`${metadata.token_endpoint}`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      });

    const metadata = await step('metadata', async () => {
      const response = await fetch(`${issuer}/.well-known/oauth-authorization-server`).catch(
        (error: Error) => {
          throw new StepFailure(
            `cannot reach ${issuer}: ${error.cause ?? error.message}`,
            'is the server running and --issuer right?',
          );
        },
      );
      const body = await json<Metadata>(response, 'metadata', 'check that --issuer is the server base URL');
      if (body.issuer !== issuer) {
        throw new StepFailure(
          `issuer is "${body.issuer}", expected "${issuer}"`,
          'pass the issuer exactly as the server publishes it',
        );
      }
      return [body, `issuer ${body.issuer}`];
    });

    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const authorizeUrl = new URL(metadata.authorization_endpoint);
    authorizeUrl.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirect,
      response_type: 'code',
      scope,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      auto_authorize: 'true',
    }).toString();

    const listener = listenForCallback(redirectUri);
    try {
      await step('callback', async () => {
        await listener.ready.catch((error: Error) => {
          throw new StepFailure(
            `cannot listen on ${redirectUri.host}: ${error.message}`,
            'pick a free port in --redirect-uri',
          );
        });
        return [undefined, `listening on ${redirectUri.origin}${redirectUri.pathname}`];
      });

      const callback = await step('authorize', async () => {
        if (!username || !password) {
          console.log(`\nOpen this URL in a browser, sign in and approve:\n\n  ${authorizeUrl}\n`);
          const timer = new Promise<never>((_, reject) =>
            setTimeout(
              () =>
                reject(
                  new StepFailure('no callback arrived in time', 'open the URL above and finish the sign-in'),
                ),
              timeoutMs,
            ).unref(),
          );
          const url = await Promise.race([listener.callback, timer]);
          return [url, 'callback received'];
        }
        const browser = new HttpBrowser(new URL(metadata.authorization_endpoint).origin);
        const result = await authorizeAsUser(browser, authorizeUrl.pathname + authorizeUrl.search, {
          username,
          password,
        }).catch((error: Error) => {
          throw new StepFailure(
            error.message,
            'check --username/--password, and that --redirect-uri is registered exactly for this client',
          );
        });
        // Deliver the redirect to our own loopback listener, as a browser would.
        await fetch(result.callback).catch(() => undefined);
        const url = await listener.callback;
        return [url, result.consentShown ? 'signed in, consent approved' : 'signed in, no consent needed'];
      });

      const code = await step('code', async () => {
        const error = callback.searchParams.get('error');
        if (error) {
          throw new StepFailure(
            `${error}: ${callback.searchParams.get('error_description') ?? ''}`,
            'see the error; access_denied means consent was refused',
          );
        }
        if (callback.searchParams.get('state') !== state)
          throw new StepFailure('state does not match', 'the callback was not for this request');
        if (callback.searchParams.get('iss') !== metadata.issuer) {
          throw new StepFailure(
            `iss is "${callback.searchParams.get('iss')}"`,
            'the response came from another server (RFC 9207 mix-up)',
          );
        }
        const value = callback.searchParams.get('code');
        if (!value) throw new StepFailure('no code in the callback', 'check the authorization server logs');
        return [value, 'state and iss match'];
      });

      const tokens = await step('token', async () => {
        const body = await json<Tokens>(
          await tokenRequest({
            grant_type: 'authorization_code',
            code,
            redirect_uri: redirect,
            code_verifier: verifier,
          }),
          'token',
          'invalid_client: check --client-id/--client-secret; invalid_grant: the code expired (60 s) or the redirect URI differs',
        );
        return [body, `scope "${body.scope}", expires in ${body.expires_in} s`];
      });

      await step('userinfo', async () => {
        const body = await json<Record<string, unknown>>(
          await fetch(metadata.userinfo_endpoint, {
            headers: { authorization: `Bearer ${tokens.access_token}` },
          }),
          'userinfo',
          'the access token was refused: check the token step',
        );
        return [
          body,
          `user ${body.username ?? body.sub}${body.balance_formatted ? `, balance ${body.balance_formatted}` : ''}`,
        ];
      });

      const refreshed = await step('refresh', async () => {
        const body = await json<Tokens>(
          await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
          'refresh',
          'the refresh token was refused: check the token step',
        );
        if (body.refresh_token === tokens.refresh_token)
          throw new StepFailure('the refresh token did not rotate', 'upgrade the server');
        return [body, 'rotated'];
      });

      await step('reuse', async () => {
        const response = await tokenRequest({
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token,
        });
        const body = (await response.json().catch(() => ({}))) as { error?: string };
        if (response.status !== 400 || body.error !== 'invalid_grant') {
          throw new StepFailure(
            `reusing the old refresh token answered ${response.status}`,
            'the server must reject rotated refresh tokens',
          );
        }
        return [undefined, 'old refresh token rejected (family revoked)'];
      });

      await step('revoke', async () => {
        const response = await fetch(metadata.revocation_endpoint, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: refreshed.refresh_token }),
        });
        if (response.status !== 200)
          throw new StepFailure(`revocation answered ${response.status}`, 'check the client credentials');
        const check = await fetch(metadata.userinfo_endpoint, {
          headers: { authorization: `Bearer ${refreshed.access_token}` },
        });
        if (check.status !== 401)
          throw new StepFailure(
            'the access token still works after revocation',
            'the server must revoke the family',
          );
        return [undefined, 'refresh and access tokens revoked'];
      });
      console.log('\nAll steps passed.');
    } finally {
      listener.close();
    }
  },
};
