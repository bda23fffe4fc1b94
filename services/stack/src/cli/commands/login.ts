import { CliError } from '../admin-client.js';
import type { Command } from '../command.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function postForm(url: string, body: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
  };
}

/**
 * `gatehouse login --device`: a working example of the device authorization grant (RFC 8628)
 * against any Gatehouse, for a public client with device sign-in enabled. Shows the code,
 * polls every `interval` seconds (5 s more after a slow_down) and prints the tokens.
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
    '--client-id <id>         a public client with device sign-in enabled',
    '--scope <scopes>         default "profile balance"',
  ],
  async run(values, _positionals, { json }) {
    if (values.device !== true)
      throw new CliError('login needs --device (the device authorization grant)', 2);
    const issuer = String(
      values.issuer ?? values.url ?? process.env.GATEHOUSE_URL ?? 'http://localhost:3000',
    ).replace(/\/+$/, '');
    const clientId = values['client-id'];
    if (typeof clientId !== 'string') throw new CliError('login needs --client-id', 2);
    const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as {
      device_authorization_endpoint?: string;
      token_endpoint: string;
    };
    if (!metadata.device_authorization_endpoint) {
      throw new CliError(`${issuer} does not offer the device authorization grant`, 1);
    }
    const started = await postForm(metadata.device_authorization_endpoint, {
      client_id: clientId,
      scope: typeof values.scope === 'string' ? values.scope : 'profile balance',
    });
    if (started.status !== 200) {
      throw new CliError(
        `device authorization refused: ${started.body.error} ${started.body.error_description ?? ''}`,
        1,
      );
    }
    const { device_code, user_code, verification_uri, verification_uri_complete } = started.body as Record<
      string,
      string
    >;
    process.stderr.write(
      `Open ${verification_uri_complete ?? verification_uri} in a browser\nand check that it shows the code ${user_code}.\nWaiting for approval…\n`,
    );
    let interval = Number(started.body.interval ?? 5);
    for (;;) {
      await sleep(interval * 1000);
      const polled = await postForm(metadata.token_endpoint, {
        grant_type: GRANT,
        device_code: device_code!,
        client_id: clientId,
      });
      if (polled.status === 200) {
        if (json) console.log(JSON.stringify(polled.body, null, 2));
        else {
          console.log(`Signed in (scope: ${polled.body.scope}).`);
          console.log(`access_token  ${polled.body.access_token}`);
          console.log(`refresh_token ${polled.body.refresh_token}`);
        }
        return;
      }
      if (polled.body.error === 'authorization_pending') continue;
      if (polled.body.error === 'slow_down') {
        interval += 5;
        continue;
      }
      throw new CliError(`sign-in ended: ${polled.body.error} ${polled.body.error_description ?? ''}`, 1);
    }
  },
};
