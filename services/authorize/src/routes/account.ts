import { type Config, type Mailer, normalizeScopes, type Stores, type User } from '@gatehouse/core';
import {
  AccountLimitError,
  createDeveloperToken,
  developerTokenNameProblem,
  disconnectApp,
} from '@gatehouse/core/accounts';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../browser/fields.js';
import { PageError } from '../browser/page-error.js';
import { page } from '../browser/render.js';
import { requireSession, signedIn } from '../browser/session.js';
import { auditUserAction } from '../pages/audit.js';
import { money, scopeText, signedMoney, when } from '../pages/format.js';
import { type FieldErrors, idParam, noticeText, oneError } from '../pages/forms.js';
import { SPENDING_NOTICES, spendingView } from './account-spending.js';
import { twoFactorView } from './account-two-factor.js';
import { passkeysView } from './passkeys.js';

/** How many ledger entries the account page shows. */
export const RECENT_LEDGER_ENTRIES = 10;

const NOTICES = {
  'app-revoked': 'Access revoked. The app can no longer use your account; it would have to ask you again.',
  'token-revoked': 'Developer token revoked. It stops working at once.',
  'email-verified': 'Your email address is confirmed.',
  'verification-sent': 'We sent a new confirmation link. It works for 24 hours.',
  'email-changed':
    'Email address changed. We sent a confirmation link to the new address and told the old one about the change.',
  'password-changed': 'Password changed. You were signed out on every other browser.',
  'passkey-added': 'Passkey added. You can sign in with it, and it counts as a second factor.',
  'passkey-removed': 'Passkey removed.',
  'two-factor-removed': 'Two-factor authentication is off. Your recovery codes no longer work.',
  ...SPENDING_NOTICES,
};

const KIND_TEXT: Record<string, string> = {
  topup: 'Top-up code redeemed',
  credit: 'Credit',
  debit: 'Charge',
  refund: 'Refund',
};

const notConnected = () =>
  new PageError(404, 'App not connected', 'This app does not have access to your account.');
const noSuchToken = () =>
  new PageError(404, 'Token not found', 'You have no active developer token with this id.');

/** What the account page shows besides the profile. */
async function accountView(stores: Stores, config: Config, user: User, mailAvailable: boolean) {
  const [balance, entries, grants, tokens] = await Promise.all([
    stores.db.ledger.getBalance(user.id),
    stores.db.ledger.listEntries(user.id, RECENT_LEDGER_ENTRIES),
    stores.db.grants.listByUser(user.id),
    stores.db.developerTokens.listByUser(user.id),
  ]);
  const apps = await Promise.all(
    grants.map(async (grant) => ({ grant, client: await stores.db.clients.findById(grant.clientId) })),
  );
  return {
    email: { address: user.email, verified: user.emailVerified, mailAvailable },
    account: {
      username: user.username,
      email: user.email,
      since: when(user.createdAt),
    },
    balance: {
      amount: money(balance?.quota ?? 0n, config),
      used: money(balance?.usedQuota ?? 0n, config),
    },
    ledger: entries.map((entry) => ({
      when: when(entry.createdAt),
      what: KIND_TEXT[entry.kind] ?? entry.kind,
      detail: entry.kind === 'topup' ? null : entry.reference,
      amount: signedMoney(entry.amount, config),
      negative: entry.amount < 0n,
      balanceAfter: money(entry.balanceAfter, config),
    })),
    connectedApps: apps
      .filter((a) => a.client !== null)
      .map(({ grant, client }) => ({
        clientId: client!.clientId,
        name: client!.name,
        initial: [...client!.name][0]?.toUpperCase() ?? '?',
        homepage: client!.homepageUrl,
        scopes: normalizeScopes(grant.scopes).map(scopeText),
        granted: when(grant.createdAt),
        updated: grant.updatedAt.getTime() - grant.createdAt.getTime() > 1000 ? when(grant.updatedAt) : null,
      })),
    developerTokens: tokens.map((token) => ({
      id: token.id,
      name: token.name,
      created: when(token.createdAt),
      lastUsed: token.lastUsedAt ? when(token.lastUsedAt) : null,
    })),
  };
}

/**
 * `/` and `/account` (API.md §8): profile, balance with recent ledger entries, connected
 * apps with revoke, developer tokens (create — shown once —, list, revoke).
 */
export async function accountRoutes(
  app: FastifyInstance,
  options: ServiceOptions & { mailer: Mailer | null },
): Promise<void> {
  const { config, stores } = options;

  const accountPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      newToken?: { name: string; value: string } | null;
      tokenName?: string;
      errors?: FieldErrors;
      status?: number;
    } = {},
  ) => {
    const { user, csrfToken } = signedIn(request);
    return page(
      reply,
      'account.eta',
      {
        title: 'Your account',
        nav: 'account',
        wide: true,
        csrfToken,
        notice: noticeText(request.query, NOTICES),
        ...(await accountView(stores, config, user, options.mailer !== null)),
        ...(await twoFactorView(stores, user)),
        ...(await passkeysView(stores, user)),
        spending: await spendingView(stores, config, user.id),
        newToken: extra.newToken ?? null,
        tokenName: extra.tokenName ?? '',
        errors: extra.errors ?? {},
      },
      extra.status ?? 200,
    );
  };

  app.get('/', async (request, reply) => reply.redirect(request.session ? '/account' : '/login', 302));

  app.get('/account', { preHandler: requireSession }, async (request, reply) => accountPage(request, reply));

  app.post('/account/apps/:clientId/revoke', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const clientId = (request.params as { clientId: string }).clientId;
    const client = await stores.db.clients.findByClientId(clientId);
    const grant = client ? await stores.db.grants.find(user.id, client.id) : null;
    if (!client || !grant) throw notConnected();
    await disconnectApp(stores, user.id, client.id);
    await auditUserAction(stores, request, user.id, {
      type: 'consent.revoked',
      clientId: client.clientId,
      data: { scopes: grant.scopes },
    });
    return reply.redirect('/account?notice=app-revoked#connected-apps', 303);
  });

  app.post('/account/developer-tokens', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const name = field(request.body, 'name') ?? '';
    const problem = developerTokenNameProblem(name);
    if (problem) {
      return accountPage(request, reply, {
        tokenName: name,
        errors: oneError('name', `Token name ${problem}.`),
        status: 400,
      });
    }
    let issued: Awaited<ReturnType<typeof createDeveloperToken>>;
    try {
      issued = await createDeveloperToken(stores, user.id, name);
    } catch (error) {
      if (!(error instanceof AccountLimitError)) throw error;
      return accountPage(request, reply, {
        tokenName: name,
        errors: oneError('name', `You already have ${error.limit} developer tokens. Revoke one first.`),
        status: 409,
      });
    }
    await auditUserAction(stores, request, user.id, {
      type: 'developer_token.created',
      data: { token_id: issued.record.id, name: issued.record.name },
    });
    // Rendered straight from the POST: the token never travels in a URL or a cookie.
    return accountPage(request, reply, { newToken: { name: issued.record.name, value: issued.token } });
  });

  app.post('/account/developer-tokens/:id/revoke', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const id = idParam(request.params, 'id', noSuchToken);
    if (!(await stores.db.developerTokens.revoke(id, user.id, new Date()))) throw noSuchToken();
    await auditUserAction(stores, request, user.id, {
      type: 'developer_token.revoked',
      data: { token_id: id },
    });
    return reply.redirect('/account?notice=token-revoked#developer-tokens', 303);
  });
}
