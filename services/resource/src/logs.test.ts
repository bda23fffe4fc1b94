import { Writable } from 'node:stream';
import { loggerOptions } from '@gatehouse/service-kit';
import Fastify, { type FastifyLoggerOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  adminHeaders,
  bearer,
  createClient,
  createUser,
  issueAccessToken,
  issueDeveloperToken,
  registerResource,
  useTestApp,
} from './testing/fixtures.js';

/**
 * SEC-26: the service logs at `trace` with the production logger settings
 * while requests carry and return credentials; none of them may appear in a log line.
 */
describe('no secret in any log line', () => {
  const lines: string[] = [];
  const t = useTestApp({
    env: { LOG_LEVEL: 'trace' },
    async build(stores, config) {
      const stream = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      // The services' logger settings (redaction, serializers), writing into `lines`.
      const options = loggerOptions(config) as FastifyLoggerOptions;
      const app = Fastify({ logger: { ...options, stream } });
      await registerResource(app, { config, stores });
      await app.ready();
      return app;
    },
  });

  it('keeps tokens, passwords, client secrets and top-up codes out of the logs', async () => {
    const user = await createUser(t.stores);
    const client = await createClient(t.stores);
    const { token: accessToken } = await issueAccessToken(t.stores, user, client, ['profile', 'balance']);
    const developerToken = await issueDeveloperToken(t.stores, user);
    const password = 'canary-password-7f3a9c';
    const canaries = [accessToken, developerToken, ADMIN_TOKEN, password];

    await t.app.inject({ method: 'GET', url: '/api/oauth2/userinfo', headers: bearer(accessToken) });
    await t.app.inject({ method: 'GET', url: `/api/oauth2/userinfo?access_token=${accessToken}` });
    await t.app.inject({
      method: 'GET',
      url: '/api/oauth2/topup',
      headers: { authorization: `Bearer ${accessToken}x` },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: adminHeaders,
      payload: { username: 'canary_user', email: 'canary@example.com', password },
    });
    await t.app.inject({ method: 'GET', url: '/api/admin/users', headers: bearer(`${ADMIN_TOKEN}wrong`) });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/oauth_apps',
      headers: bearer(developerToken),
      payload: { name: 'Canary', description: 'x', redirect_uri: 'https://canary.example.com/cb' },
    });
    const rotated = await t.app.inject({
      method: 'POST',
      url: `/api/oauth_apps/${created.json().data.id}/secret`,
      headers: bearer(developerToken),
    });
    const codes = await t.app.inject({
      method: 'POST',
      url: '/api/admin/topup-codes',
      headers: adminHeaders,
      payload: { quota: 1, count: 2 },
    });
    canaries.push(
      created.json().data.client_secret,
      rotated.json().data.client_secret,
      ...codes.json().data.codes,
    );

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    expect(log).toContain('/api/oauth2/userinfo');
    for (const canary of canaries) expect(log).not.toContain(canary);
  });
});
