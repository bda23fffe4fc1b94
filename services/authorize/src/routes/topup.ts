import { type Client, formatQuota, randomId } from '@gatehouse/core';
import { type RedeemTopupContext, redeemTopup, type TopupOutcome } from '@gatehouse/core/accounts';
import { appAuditFailureReporter, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { field } from '../browser/fields.js';
import { page } from '../browser/render.js';
import { type BrowserSession, requireSession, signedIn } from '../browser/session.js';
import { topupThrottle } from '../browser/topup-throttle.js';
import { checkTopupTarget, successReturnUrl, type TopupTarget } from './topup-target.js';

export const TOPUP_PATH = '/topup';
/** Where a successful redemption lands (POST-redirect-GET), so a reload never resubmits. */
export const TOPUP_DONE_PATH = '/topup/done';

/** How long the result page can be reloaded; afterwards it leads to the form. */
const RESULT_SECONDS = 3600;
const RESULT_ID = /^[A-Za-z0-9_-]{22}$/;
/** Per user: another user's result id names nothing. */
const resultKey = (userId: number, id: string) => `topup-result:${userId}:${id}`;

/** What the result page shows, kept in the cache under a random id (no code, nothing secret). */
interface TopupResult {
  credited: string;
  /** Shown if the balance cannot be read fresh: the credit is committed either way. */
  balanceAfter: string;
}

const INTEGER = /^-?\d{1,30}$/;

type Failure = Exclude<TopupOutcome['kind'], 'redeemed' | 'throttled'>;

/** Shown next to the code field. A malformed code gets the `not_found` message. */
export const TOPUP_MESSAGES: Record<Failure | 'empty', string> = {
  empty: 'Enter the top-up code you received.',
  not_found: 'We do not recognise this code. Check that you copied all of it.',
  used: 'This code has already been used. Nothing was added to your balance.',
  expired: 'This code has expired. Nothing was added to your balance.',
  balance_limit:
    'This code would take your balance above the largest amount an account can hold. The code was not used.',
};

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.host : null;
  } catch {
    return null;
  }
}

/** The app that sent the user, as the page shows it: name and homepage host (text, never a link). */
function appView(client: Client | null) {
  if (!client) return null;
  return {
    name: client.name,
    initial: client.name.slice(0, 1).toUpperCase(),
    homepageHost: hostOf(client.homepageUrl),
  };
}

/** `/topup?client_id=…&return_uri=…` for the checked target (a relative link to this page). */
function topupPath(target: TopupTarget, path = TOPUP_PATH, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams(extra);
  if (target.client) query.set('client_id', target.client.clientId);
  if (target.returnUri) query.set('return_uri', target.returnUri);
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

function readResult(raw: string | null): TopupResult | null {
  if (raw === null) return null;
  try {
    const { credited, balanceAfter } = JSON.parse(raw) as Partial<TopupResult>;
    return typeof credited === 'string' &&
      INTEGER.test(credited) &&
      typeof balanceAfter === 'string' &&
      INTEGER.test(balanceAfter)
      ? { credited, balanceAfter }
      : null;
  } catch {
    return null;
  }
}

/**
 * GET and POST /topup (API.md §5): the balance and a form to redeem a top-up code, for the
 * signed-in user; after a success, the way back to the app (`return_uri` + `topup=success`).
 *
 * GET: checkTopupTarget (400 page for an unknown/disabled client or a bad return_uri, which
 * is never quoted) → signed out: 302 to /login?return_to=<this page> → the form.
 * POST: CSRF (hook) → checkTopupTarget again from the hidden fields (so a bad return address
 * never costs a code) → core's `redeemTopup` (empty code → throttle → format → redeem →
 * audit) → 303 to /topup/done. Failed redemptions are a 400 form with a message next to the
 * field (the code as typed kept in it) and change nothing; throttled ones are 429 with
 * Retry-After and are not looked up; a code over the balance cap is a 409.
 * GET /topup/done: the result, found by a random id under the signed-in user; reloadable.
 */
export async function topupRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const ctx: RedeemTopupContext = {
    stores,
    throttle: topupThrottle(stores.cache.rateLimits),
    reportAuditFailure: appAuditFailureReporter(app),
  };
  const findClient = (clientId: string) => stores.db.clients.findByClientId(clientId);
  const money = (quota: bigint) => `${formatQuota(quota, config.quotaPerUnit)} ${config.currency}`;

  const showForm = async (
    reply: FastifyReply,
    session: BrowserSession,
    target: TopupTarget,
    error: string | null = null,
    status = 200,
    code = '',
  ) => {
    // Read fresh: the page shows what the user holds now.
    const balance = await stores.db.ledger.getBalance(session.userId);
    const back = target.returnUri ? new URL(target.returnUri) : null;
    return page(
      reply,
      'topup.eta',
      {
        title: 'Top up your balance',
        app: appView(target.client),
        balance: money(balance?.quota ?? 0n),
        csrfToken: session.csrfToken,
        clientId: target.client?.clientId ?? null,
        returnUri: target.returnUri,
        cancel: back ? { href: back.href, host: back.host } : null,
        error,
        code,
      },
      status,
    );
  };

  app.get(TOPUP_PATH, async (request, reply) => {
    // Checked before the login redirect: a bad link is refused at once and never travels
    // through the login page's return_to.
    const target = await checkTopupTarget(request.query, findClient);
    if (!request.session) {
      await requireSession(request, reply);
      return reply;
    }
    return showForm(reply, request.session, target);
  });

  // CSRF and Origin are checked by the csrfProtection hook before this runs.
  app.post(TOPUP_PATH, { preHandler: requireSession }, async (request, reply) => {
    const session = signedIn(request);
    const target = await checkTopupTarget(request.body, findClient);
    const code = (field(request.body, 'code') ?? '').trim();
    const result = await redeemTopup(ctx, {
      userId: session.userId,
      typed: code,
      client: target.client,
      now: new Date(),
      ip: request.ip,
    });

    switch (result.kind) {
      case 'redeemed':
        break;
      case 'empty':
        return showForm(reply, session, target, TOPUP_MESSAGES.empty, 400);
      case 'throttled': {
        reply.header('retry-after', String(result.retryAfterSeconds));
        const message = `Too many attempts with codes that did not work. Try again in ${minutes(result.retryAfterSeconds)}.`;
        return showForm(reply, session, target, message, 429, code);
      }
      case 'balance_limit':
        return showForm(reply, session, target, TOPUP_MESSAGES[result.kind], 409);
      default:
        return showForm(reply, session, target, TOPUP_MESSAGES[result.kind], 400, code);
    }
    const id = randomId();
    const remembered: TopupResult = {
      credited: result.entry.amount.toString(),
      balanceAfter: result.entry.balanceAfter.toString(),
    };
    try {
      await stores.cache.stamps.set(
        resultKey(session.userId, id),
        JSON.stringify(remembered),
        RESULT_SECONDS,
      );
    } catch (err) {
      // The credit is committed: without the cache, show the result now (a reload would ask to resubmit).
      request.log.warn({ err }, 'top-up result not kept; showing it directly');
      return showSuccess(reply, session, target, remembered);
    }
    return reply.redirect(topupPath(target, TOPUP_DONE_PATH, { result: id }), 303);
  });

  app.get<{ Querystring: { result?: unknown } }>(TOPUP_DONE_PATH, async (request, reply) => {
    const target = await checkTopupTarget(request.query, findClient);
    if (!request.session) {
      await requireSession(request, reply);
      return reply;
    }
    const id = request.query.result;
    const raw =
      typeof id === 'string' && RESULT_ID.test(id)
        ? await stores.cache.stamps.get(resultKey(request.session.userId, id))
        : null;
    const result = readResult(raw);
    // Expired, flushed or not this user's: the form shows the balance as it is.
    if (!result) return reply.redirect(topupPath(target), 302);
    return showSuccess(reply, request.session, target, result);
  });

  const showSuccess = async (
    reply: FastifyReply,
    session: BrowserSession,
    target: TopupTarget,
    result: TopupResult,
  ) => {
    // Read fresh: the page shows what the user holds now.
    const balance = await stores.db.ledger.getBalance(session.userId).catch(() => null);
    const backUrl = target.returnUri ? successReturnUrl(target.returnUri) : null;
    return page(reply, 'topup-success.eta', {
      title: 'Top-up complete',
      app: appView(target.client),
      credited: money(BigInt(result.credited)),
      balance: money(balance?.quota ?? BigInt(result.balanceAfter)),
      back: backUrl ? { href: backUrl.href, host: backUrl.host } : null,
      another: topupPath(target),
    });
  };
}
