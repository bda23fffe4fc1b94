import { actor, type Client, InvalidRequestError } from '@gatehouse/core';
import { appendQuery, MAX_STATE_LENGTH, sessionSid } from '@gatehouse/core/authorize';
import {
  checkPostLogoutRedirect,
  keyRingOf,
  logoutNeedsConfirmation,
  readIdTokenHint,
} from '@gatehouse/core/oidc';
import { recordAudit, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { endSession } from '../browser/session.js';

export const END_SESSION_PATH = '/api/oauth2/logout';

const PRINTABLE = /^[\x20-\x7E]+$/;

function one(source: unknown, name: string): string | undefined {
  const value = field(source, name);
  return value === undefined || value === '' ? undefined : value;
}

function readState(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (raw.length > MAX_STATE_LENGTH || !PRINTABLE.test(raw)) {
    throw new InvalidRequestError(`state must be 1–${MAX_STATE_LENGTH} printable ASCII characters`);
  }
  return raw;
}

/**
 * OpenID Connect RP-Initiated Logout 1.0 (API.md §13, SEC-47): `GET` with `id_token_hint`,
 * `client_id`, `post_logout_redirect_uri`, `state`; a hint naming this user and session ends
 * the session at once, anything else asks first (`POST`, CSRF-checked). The browser is sent
 * only to a post-logout redirect URI registered for the client; errors are pages.
 */
export async function endSessionRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const keys = keyRingOf(stores, config);

  async function findClient(clientId: string | undefined): Promise<Client | null> {
    if (clientId === undefined || clientId.length > 200) return null;
    const client = await stores.db.clients.findByClientId(clientId);
    return client && client.clientId === clientId && !client.disabled ? client : null;
  }

  async function signOut(request: FastifyRequest, reply: FastifyReply, client: Client | null) {
    const user = request.session?.user ?? null;
    await endSession(request, reply, { config, stores });
    if (user) {
      await recordAudit(stores, request, {
        type: 'logout',
        userId: user.id,
        clientId: client?.clientId ?? null,
        actor: actor.user(user.id),
        data: { rp_initiated: true },
      });
    }
  }

  function finish(
    reply: FastifyReply,
    client: Client | null,
    redirect: string | null,
    state: string | null,
    status: 302 | 303,
  ) {
    if (redirect === null)
      return page(reply, 'logout.eta', {
        title: 'Signed out',
        confirm: false,
        clientName: client?.name ?? null,
      });
    return reply.redirect(state === null ? redirect : appendQuery(redirect, [['state', state]]), status);
  }

  app.get(END_SESSION_PATH, async (request, reply) => {
    const query = request.query ?? {};
    const now = Date.now();
    const hintToken = one(query, 'id_token_hint');
    const hint = hintToken ? await readIdTokenHint(hintToken, keys, config.issuer, now) : null;
    const clientId = one(query, 'client_id');
    if (hint && clientId !== undefined && !hint.aud.includes(clientId)) {
      throw new InvalidRequestError('client_id does not match the id_token_hint');
    }
    const client = await findClient(clientId ?? hint?.aud[0]);
    const redirect = checkPostLogoutRedirect(client, one(query, 'post_logout_redirect_uri'));
    const state = readState(one(query, 'state'));
    const session = request.session;
    if (session === null) return finish(reply, client, redirect, state, 302);
    if (!logoutNeedsConfirmation(hint, { userId: session.userId, sid: sessionSid(session.key) })) {
      await signOut(request, reply, client);
      return finish(reply, client, redirect, state, 302);
    }
    return page(reply, 'logout.eta', {
      title: 'Sign out?',
      confirm: true,
      clientName: client?.name ?? null,
      clientId: client?.clientId ?? null,
      postLogoutRedirectUri: redirect,
      state,
      csrfToken: session.csrfToken,
    });
  });

  // The confirmation form; CSRF and Origin are checked by the csrfProtection hook.
  app.post(END_SESSION_PATH, async (request, reply) => {
    const client = await findClient(one(request.body, 'client_id'));
    const redirect = checkPostLogoutRedirect(client, one(request.body, 'post_logout_redirect_uri'));
    const state = readState(one(request.body, 'state'));
    await signOut(request, reply, client);
    return finish(reply, client, redirect, state, 303);
  });
}
