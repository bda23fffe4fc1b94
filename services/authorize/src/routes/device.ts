import { randomId, SCOPES, type Scope } from '@gatehouse/core';
import { formatUserCode, normalizeUserCode } from '@gatehouse/core/device';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { deviceThrottle } from '../browser/device-throttle.js';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { type BrowserSession, requireSession, signedIn } from '../browser/session.js';
import { auditUserAction } from '../pages/audit.js';

const WRONG_CODE =
  'That code is not valid. Check the code shown on your device and try again; codes expire after 10 minutes.';

/**
 * `/device` (RFC 8628 §3.3, API.md §12): a signed-in person enters (or confirms) the code a
 * device shows, sees the usual consent — naming the app, with the warning to continue only
 * for a device they started themselves — and approves or denies. The device, polling the
 * token endpoint, then gets its tokens (SEC-56). Wrong codes are throttled per session and
 * per address.
 */
export async function deviceRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { stores } = options;
  const throttle = deviceThrottle(stores.cache.rateLimits);

  const entryPage = (
    reply: FastifyReply,
    session: BrowserSession,
    code: string,
    error: string | null,
    status = 200,
  ) =>
    page(
      reply,
      'device.eta',
      { title: 'Connect a device', csrfToken: session.csrfToken, userCode: code, error },
      status,
    );

  /** The live, pending authorization a typed code names, with its enabled client; or null. */
  async function lookup(raw: unknown) {
    const userCode = normalizeUserCode(raw);
    if (userCode === null) return null;
    const found = await stores.cache.deviceGrants.findByUserCode(userCode);
    if (found?.status !== 'pending' || Date.now() >= found.data.expiresAt) return null;
    const client = await stores.db.clients.findById(found.data.clientId);
    if (!client || client.disabled || !client.deviceGrantEnabled) return null;
    return { ...found, userCode, client };
  }

  app.get('/device', { preHandler: requireSession }, async (request, reply) => {
    const code = normalizeUserCode(field(request.query, 'user_code') ?? '');
    return entryPage(reply, signedIn(request), code ? formatUserCode(code) : '', null);
  });

  app.post('/device', { preHandler: requireSession }, async (request, reply) => {
    const session = signedIn(request);
    const typed = field(request.body, 'user_code') ?? '';
    const throttled = await throttle.attempt(session.key, request.ip);
    if (!throttled.allowed) {
      reply.header('retry-after', String(throttled.retryAfterSeconds));
      return entryPage(reply, session, typed, 'Too many wrong codes. Wait a few minutes and try again.', 429);
    }
    const found = await lookup(typed);
    if (!found) {
      await throttle.failed(session.key, request.ip);
      return entryPage(reply, session, typed, WRONG_CODE, 400);
    }
    const owner = found.client.ownerUserId ? await stores.db.users.findById(found.client.ownerUserId) : null;
    return page(reply, 'device-consent.eta', {
      title: `Connect ${found.client.name}`,
      csrfToken: session.csrfToken,
      userCode: formatUserCode(found.userCode),
      client: {
        name: found.client.name,
        description: found.client.description,
        owner: owner?.username ?? null,
      },
      user: { username: session.user.username },
      scopes: found.data.scopes.map((name) => ({ name, text: SCOPES[name as Scope] ?? name })),
    });
  });

  app.post('/device/decision', { preHandler: requireSession }, async (request, reply) => {
    const session = signedIn(request);
    const found = await lookup(field(request.body, 'user_code'));
    if (!found) return entryPage(reply, session, '', WRONG_CODE, 400);
    const approve = field(request.body, 'decision') === 'approve';
    const decided = await stores.cache.deviceGrants.decide(
      found.deviceCodeHash,
      approve
        ? {
            status: 'approved',
            approval: {
              userId: session.userId,
              scopes: found.data.scopes,
              authTime: session.authTime,
              familyId: randomId(),
            },
          }
        : { status: 'denied' },
    );
    if (!decided) return entryPage(reply, session, '', WRONG_CODE, 400);
    if (approve) await stores.db.grants.upsert(session.userId, found.client.id, found.data.scopes);
    await auditUserAction(stores, request, session.userId, {
      type: approve ? 'device.approved' : 'device.denied',
      clientId: found.client.clientId,
      data: { scopes: found.data.scopes },
    });
    return page(reply, 'device-done.eta', {
      title: approve ? 'Device connected' : 'Request denied',
      approved: approve,
      clientName: found.client.name,
    });
  });
}
