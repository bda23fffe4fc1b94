import {
  type Allowance,
  type Charge,
  type ChargeRefund,
  type Config,
  formatQuota,
  parseAmount,
  type Stores,
} from '@gatehouse/core';
import { stopAppSpending } from '@gatehouse/core/accounts';
import { allowanceStatus, periodStart, readAllowanceForm } from '@gatehouse/core/charges';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { field } from '../browser/fields.js';
import { PageError } from '../browser/page-error.js';
import { page } from '../browser/render.js';
import { requireSession, signedIn } from '../browser/session.js';
import { auditUserAction } from '../pages/audit.js';
import { money, when } from '../pages/format.js';

/** How many charges the account page lists per app. */
export const RECENT_CHARGES = 20;

export const SPENDING_NOTICES = {
  'allowance-changed': 'Allowance changed. The app can spend up to the new amount from now on.',
  'spending-stopped':
    'Spending stopped. The app can no longer charge your balance; its tokens were revoked and it would have to ask you again.',
};

const PERIOD_WORDS = { day: 'per day', week: 'per week', month: 'per month', total: 'in total' } as const;

const PROBLEMS = {
  limit_format: 'Enter the allowance as an amount such as 5.00 (at most two decimal places).',
  not_positive: 'The allowance must be more than zero.',
  above_max: 'The allowance is above the most this platform allows one app.',
  period: 'Choose how often the allowance resets.',
} as const;

const STATUS_TEXT = { succeeded: 'Paid', held: 'Reserved', canceled: 'Canceled' } as const;

const noCharge = () =>
  new PageError(404, 'App cannot spend', 'This app is not allowed to spend from your balance.');

function chargeView(charge: Charge, refunds: ChargeRefund[], config: Config) {
  return {
    id: charge.id,
    when: when(charge.createdAt),
    description: charge.description,
    reference: charge.reference,
    status:
      charge.refundedAmount === 0n
        ? STATUS_TEXT[charge.status]
        : charge.refundedAmount >= charge.capturedAmount
          ? 'Refunded'
          : 'Partly refunded',
    amount: money(charge.status === 'succeeded' ? charge.capturedAmount : charge.amount, config),
    holdUntil: charge.status === 'held' && charge.holdExpiresAt ? when(charge.holdExpiresAt) : null,
    refunded: charge.refundedAmount > 0n ? money(charge.refundedAmount, config) : null,
    refunds: refunds
      .filter((r) => r.chargeId === charge.id)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((r) => ({ when: when(r.createdAt), amount: money(r.amount, config), reason: r.reason })),
  };
}

/**
 * The spending section of /account (API.md §14): per app with `charge`, its allowance, what it
 * used in the current UTC period, what remains, the next reset, and its charges newest first
 * with their refunds.
 */
export async function spendingView(stores: Stores, config: Config, userId: number, now = new Date()) {
  const grants = (await stores.db.grants.listByUser(userId)).filter((g) => g.scopes.includes('charge'));
  const apps = await Promise.all(
    grants.map(async (grant) => {
      const client = await stores.db.clients.findById(grant.clientId);
      if (!client) return null;
      const allowance: Allowance | null = grant.allowance;
      const used = allowance
        ? await stores.db.charges.usage(userId, client.id, periodStart(allowance.period, now))
        : 0n;
      const status = allowance ? allowanceStatus(allowance, used, now) : null;
      const charges = await stores.db.charges.list({ userId, clientId: client.id, limit: RECENT_CHARGES });
      const refunds = charges.length ? await stores.db.charges.listRefunds(charges.map((c) => c.id)) : [];
      return {
        clientId: client.clientId,
        name: client.name,
        allowance: status && {
          limit: money(status.limit, config),
          limitInput: formatQuota(status.limit, config.quotaPerUnit),
          period: status.period,
          periodText: PERIOD_WORDS[status.period],
          used: money(status.used, config),
          remaining: money(status.remaining, config),
          resetsAt: status.resetsAt ? when(status.resetsAt) : null,
        },
        charges: charges.map((c) => chargeView(c, refunds, config)),
      };
    }),
  );
  return {
    apps: apps.filter((a) => a !== null),
    max: formatQuota(parseAmount(config.chargeLimitMax, config.quotaPerUnit), config.quotaPerUnit),
    currency: config.currency,
    periods: Object.entries(PERIOD_WORDS).map(([value, text]) => ({ value, text })),
  };
}

function notChanged(reply: FastifyReply, alert: string) {
  return page(
    reply,
    'message.eta',
    {
      title: 'Allowance not changed',
      alert,
      text: null,
      link: { href: '/account#app-spending', text: 'Back to your account' },
    },
    400,
  );
}

/**
 * `POST /account/apps/:clientId/allowance` and `/stop-spending` (SEC-88, SEC-89): the user
 * changes an app's allowance within CHARGE_LIMIT_MAX, or takes `charge` away from it. CSRF and
 * Origin are checked by the csrfProtection hook like every page form.
 */
export async function accountSpendingRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const max = parseAmount(config.chargeLimitMax, config.quotaPerUnit);

  const spendingClient = async (userId: number, params: unknown) => {
    const clientId = (params as { clientId: string }).clientId;
    const client = await stores.db.clients.findByClientId(clientId);
    const grant = client ? await stores.db.grants.find(userId, client.id) : null;
    if (!client || !grant?.scopes.includes('charge')) throw noCharge();
    return { client, grant };
  };

  app.post('/account/apps/:clientId/allowance', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const { client, grant } = await spendingClient(user.id, request.params);
    const choice = readAllowanceForm(
      { limit: field(request.body, 'charge_limit'), period: field(request.body, 'charge_period') },
      config.quotaPerUnit,
      max,
    );
    if (choice.kind === 'invalid') {
      const most = choice.reason === 'above_max' ? ` The most is ${money(max, config)}.` : '';
      return notChanged(reply, `${PROBLEMS[choice.reason]}${most}`);
    }
    // The store refuses when `charge` left the grant meanwhile (another tab stopped spending).
    if (!(await stores.db.charges.setAllowance(user.id, client.id, choice.allowance))) throw noCharge();
    await auditUserAction(stores, request, user.id, {
      type: 'allowance.changed',
      clientId: client.clientId,
      data: {
        from: grant.allowance
          ? { limit: String(grant.allowance.limit), period: grant.allowance.period }
          : null,
        to: { limit: String(choice.allowance.limit), period: choice.allowance.period },
      },
    });
    return reply.redirect('/account?notice=allowance-changed#app-spending', 303);
  });

  app.post(
    '/account/apps/:clientId/stop-spending',
    { preHandler: requireSession },
    async (request, reply) => {
      const { user } = signedIn(request);
      const { client, grant } = await spendingClient(user.id, request.params);
      if (!(await stopAppSpending(stores, user.id, client.id))) throw noCharge();
      await auditUserAction(stores, request, user.id, {
        type: 'spending.stopped',
        clientId: client.clientId,
        data: {
          allowance: grant.allowance
            ? { limit: String(grant.allowance.limit), period: grant.allowance.period }
            : null,
        },
      });
      return reply.redirect('/account?notice=spending-stopped#app-spending', 303);
    },
  );
}
