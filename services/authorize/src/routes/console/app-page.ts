import { type Client, isPublicClient, type Stores } from '@gatehouse/core';
import {
  defaultTryItChoice,
  type OneTimeSecret,
  type TryItChoice,
  type TryItResult,
} from '@gatehouse/core/accounts';
import { DEFAULT_SIGNING_ALG } from '@gatehouse/core/oidc';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { page } from '../../browser/render.js';
import { signedIn } from '../../browser/session.js';
import { scopeText, when } from '../../pages/format.js';
import { noticeText } from '../../pages/forms.js';
import { formNonce } from '../../pages/once.js';

/** Notices after a redirect to the app list or an app's page (`?notice=<code>`). */
export const CONSOLE_NOTICES = {
  deleted: 'App deleted. Every token it held has been revoked.',
  updated: 'Changes saved.',
  already_registered:
    'That form was already submitted: the app exists and its secret was shown once. Rotate the secret if you did not save it.',
  already_rotated:
    'That rotation was already done; its secret was shown once. Rotate again if you did not save it.',
};

/** An app as the console pages show it. */
export function appView(client: Client, authorizedUsers: number) {
  return {
    id: client.id,
    clientId: client.clientId,
    name: client.name,
    initial: [...client.name][0]?.toUpperCase() ?? '?',
    description: client.description,
    homepage: client.homepageUrl,
    redirectUris: client.redirectUris,
    scopes: client.allowedScopes.map((scope) => ({ scope, text: scopeText(scope) })),
    confidential: !isPublicClient(client),
    allowedOrigins: client.allowedOrigins,
    deviceGrantEnabled: client.deviceGrantEnabled,
    postLogoutRedirectUris: client.postLogoutRedirectUris ?? [],
    idTokenSignedResponseAlg: client.idTokenSignedResponseAlg ?? DEFAULT_SIGNING_ALG,
    trusted: client.trusted,
    disabled: client.disabled,
    created: when(client.createdAt),
    authorizedUsers,
  };
}

export interface AppPageExtra {
  /** Shown once, straight from the POST that made it. */
  secret?: OneTimeSecret | null;
  registered?: boolean;
  tryIt?: TryItResult | null;
  tryForm?: TryItChoice & { error: string | null };
  status?: number;
}

/** An app's page: its settings, a secret when one was just made, and the Try it panel. */
export async function renderAppPage(
  request: FastifyRequest,
  reply: FastifyReply,
  context: { stores: Stores; issuer: string },
  client: Client,
  extra: AppPageExtra = {},
): Promise<FastifyReply> {
  const { csrfToken } = signedIn(request);
  const users = await context.stores.db.clients.countAuthorizedUsers(client.id);
  return page(
    reply,
    'console-app.eta',
    {
      title: client.name,
      nav: 'console',
      wide: true,
      csrfToken,
      notice: noticeText(request.query, CONSOLE_NOTICES),
      app: appView(client, users),
      secret: extra.secret ?? null,
      registered: extra.registered ?? false,
      tryIt: extra.tryIt ?? null,
      tryForm: extra.tryForm ?? { ...defaultTryItChoice(client), error: null },
      issuer: context.issuer,
      formId: formNonce(),
    },
    extra.status ?? 200,
  );
}
