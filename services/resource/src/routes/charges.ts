import { createHash } from 'node:crypto';
import {
  type Allowance,
  type ChargeActionResult,
  InvalidRequestError,
  type MovementOutcome,
  randomId,
} from '@gatehouse/core';
import { allowanceStatus, ChargeAmountError, chargeAmountOf, periodStart } from '@gatehouse/core/charges';
import { requireScopes, topupLink } from '@gatehouse/core/resource';
import { kickWebhookDispatch, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { checkAccessToken, checkClientEnabled, checkUserActive } from '../access-token.js';
import { bearerCors, tokenOwner } from '../cors.js';
import type { MoneyFormat } from '../presenters.js';
import { idempotencyKeyOf } from '../request-parts.js';
import { allowanceJson, chargeJson, heldBalanceJson, refundJson } from './charges-json.js';

interface Caller {
  userId: number;
  clientId: number;
  /** Public client id, for the top-up link. */
  publicClientId: string;
  redirectUris: string[];
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string, extra = {}) {
  reply.code(status).header('pragma', 'no-cache');
  return { error, error_description: description, ...extra };
}

/** A body field as a string, or undefined; anything else is a 400. */
function text(body: Record<string, unknown>, name: string, max: number, min = 0): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw new ChargeAmountError(`${name} must be a string of ${min} to ${max} characters`);
  }
  return value;
}

/** The Idempotency-Key rules of the admin API (SEC-33), answered in RFC 6749 form here. */
function keyOf(request: FastifyRequest): string {
  try {
    return idempotencyKeyOf(request);
  } catch (error) {
    throw new InvalidRequestError(error instanceof Error ? error.message : 'Idempotency-Key is required');
  }
}

/** SEC-92: keys belong to the client and the user; the fingerprint is what the request asked. */
function idempotency(request: FastifyRequest, caller: Caller, what: unknown) {
  return {
    scope: `client:${caller.clientId}:user:${caller.userId}`,
    key: keyOf(request),
    fingerprint: createHash('sha256').update(JSON.stringify(what)).digest('base64url'),
  };
}

export const chargesRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  const format: MoneyFormat = config;
  const holdTtlMs = config.holdTtl * 1000;
  bearerCors(app, stores, ['/api/oauth2/charges']);
  // A movement wrote its webhook event in its transaction; hand it to the queue now rather
  // than at the dispatcher's next minute tick (which sends it anyway if this is lost).
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'POST' || reply.statusCode >= 300) return;
    if (reply.getHeader('idempotent-replayed') === 'true') return;
    void kickWebhookDispatch(stores, request.log);
  });

  /** Token with `charge` (SEC-85), active user, enabled client. */
  async function caller(request: FastifyRequest): Promise<Caller> {
    const token = await checkAccessToken(request, stores);
    requireScopes(token.scopes, ['charge']);
    const [user, client] = await Promise.all([
      stores.db.users.findById(token.userId),
      stores.db.clients.findById(token.clientId),
    ]);
    checkUserActive(user);
    const enabled = checkClientEnabled(client, token);
    tokenOwner(request, enabled);
    return {
      userId: token.userId,
      clientId: token.clientId,
      publicClientId: enabled.clientId,
      redirectUris: enabled.redirectUris,
    };
  }

  function outcomeJson(outcome: MovementOutcome, allowance: Allowance | null, now: Date) {
    return {
      ...chargeJson(outcome.charge, format),
      balance: heldBalanceJson(outcome.balance, format, now),
      allowance: allowance ? allowanceJson(allowanceStatus(allowance, outcome.used, now), format) : null,
    };
  }

  function body(request: FastifyRequest): Record<string, unknown> {
    const raw = request.body;
    return raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  }

  /** Sends a stored (first or replayed) response. */
  function send(reply: FastifyReply, response: { status: number; body: unknown }, replayed: boolean) {
    if (replayed) reply.header('idempotent-replayed', 'true');
    reply.code(response.status);
    return response.body;
  }

  app.post('/api/oauth2/charges', async (request, reply) => {
    const who = await caller(request);
    const now = new Date();
    let amount: bigint;
    let description: string;
    let reference: string | null;
    let capture: boolean;
    try {
      const b = body(request);
      amount = chargeAmountOf(b, config.quotaPerUnit);
      description = text(b, 'description', 200, 1) ?? '';
      if (!description) throw new ChargeAmountError('description is required (1 to 200 characters)');
      reference = text(b, 'reference', 200) ?? null;
      if (b.capture !== undefined && typeof b.capture !== 'boolean') {
        throw new ChargeAmountError('capture must be true or false');
      }
      capture = b.capture !== false;
    } catch (error) {
      if (error instanceof ChargeAmountError) return oauthError(reply, 400, 'invalid_request', error.message);
      throw error;
    }
    const key = idempotency(request, who, {
      op: 'charge',
      amount: amount.toString(),
      description,
      reference,
      capture,
    });
    const allowance = await stores.db.charges.getAllowance(who.userId, who.clientId);
    if (!allowance) {
      request.server.metrics?.charges.inc({
        operation: capture ? 'charge' : 'hold',
        outcome: 'no_allowance',
      });
      return oauthError(reply, 403, 'allowance_exceeded', 'the user has not set an allowance for this app', {
        allowance: null,
      });
    }
    const start = periodStart(allowance.period, now);
    const result = await stores.db.charges.create(
      {
        id: `ch_${randomId(16)}`,
        userId: who.userId,
        clientId: who.clientId,
        amount,
        capture,
        description,
        reference,
        allowance,
        periodStart: start,
        holdExpiresAt: capture ? null : new Date(now.getTime() + holdTtlMs),
        now,
      },
      key,
      (outcome) => ({ status: 201, body: outcomeJson(outcome, allowance, now) }),
    );
    // Money moved once per key: a replay answers again but moves nothing.
    if (result.kind === 'created') {
      request.server.metrics?.chargeQuota.inc({ operation: capture ? 'charged' : 'held' }, Number(amount));
    }
    request.server.metrics?.charges.inc({
      operation: capture ? 'charge' : 'hold',
      outcome: result.kind === 'created' || result.kind === 'replayed' ? 'succeeded' : result.kind,
    });
    switch (result.kind) {
      case 'created':
        return send(reply, result.response, false);
      case 'replayed':
        return send(reply, result.response, true);
      case 'idempotency_conflict':
        return oauthError(reply, 422, 'invalid_request', 'this Idempotency-Key was used for another request');
      case 'allowance_exceeded':
        return oauthError(
          reply,
          403,
          'allowance_exceeded',
          'the charge is more than the allowance has left',
          {
            allowance: allowanceJson(allowanceStatus(allowance, result.used, now), format),
          },
        );
      case 'insufficient_balance':
        return oauthError(reply, 402, 'insufficient_balance', 'the balance cannot cover the charge', {
          topup_url: topupLink({
            issuer: config.issuer,
            clientId: who.publicClientId,
            redirectUris: who.redirectUris,
            returnUri: undefined,
          }),
          balance: heldBalanceJson(result.balance, format, now),
        });
    }
  });

  /** Shared answer of capture, cancel and refund. */
  function actionReply(
    request: FastifyRequest,
    reply: FastifyReply,
    operation: 'capture' | 'cancel' | 'refund',
    result: ChargeActionResult,
  ) {
    request.server.metrics?.charges.inc({
      operation,
      outcome: result.kind === 'done' || result.kind === 'replayed' ? 'succeeded' : result.kind,
    });
    if (result.kind === 'done' && operation !== 'cancel') {
      const { charge, refund } = result.outcome;
      const quota = operation === 'refund' ? refund!.amount : charge.capturedAmount;
      request.server.metrics?.chargeQuota.inc(
        { operation: operation === 'refund' ? 'refunded' : 'captured' },
        Number(quota),
      );
    }
    switch (result.kind) {
      case 'done':
        return send(reply, result.response, false);
      case 'replayed':
        return send(reply, result.response, true);
      case 'idempotency_conflict':
        return oauthError(reply, 422, 'invalid_request', 'this Idempotency-Key was used for another request');
      case 'not_found':
        return oauthError(reply, 404, 'not_found', 'no such charge for this app');
      case 'not_held':
        return oauthError(reply, 409, 'charge_not_held', 'the charge is not an open hold');
      case 'hold_expired':
        return oauthError(reply, 409, 'hold_expired', 'the hold has expired and was released');
      case 'amount_exceeds_hold':
        return oauthError(
          reply,
          400,
          'invalid_request',
          'amount must be more than zero and at most the held amount',
        );
      case 'not_captured':
        return oauthError(reply, 409, 'charge_not_captured', 'only a succeeded charge can be refunded');
      case 'exceeds_captured':
        return oauthError(reply, 400, 'invalid_request', 'refunds may not exceed the captured amount', {
          refundable_quota: Number(result.refundable),
        });
      case 'balance_limit':
        return oauthError(reply, 409, 'balance_limit', 'the balance would pass the largest supported');
    }
  }

  function optionalAmount(b: Record<string, unknown>): bigint | undefined {
    if (b.amount === undefined && b.quota === undefined) return undefined;
    return chargeAmountOf(b, config.quotaPerUnit);
  }

  async function allowanceOf(who: Caller) {
    return stores.db.charges.getAllowance(who.userId, who.clientId);
  }

  for (const action of ['capture', 'cancel'] as const) {
    app.post(`/api/oauth2/charges/:id/${action}`, async (request, reply) => {
      const who = await caller(request);
      const chargeId = (request.params as { id: string }).id;
      const now = new Date();
      let amount: bigint | undefined;
      try {
        amount = action === 'capture' ? optionalAmount(body(request)) : undefined;
      } catch (error) {
        if (error instanceof ChargeAmountError)
          return oauthError(reply, 400, 'invalid_request', error.message);
        throw error;
      }
      const key = idempotency(request, who, { op: action, chargeId, amount: amount?.toString() ?? null });
      const allowance = await allowanceOf(who);
      const render = (outcome: MovementOutcome) => ({
        status: 200,
        body: outcomeJson(outcome, allowance, now),
      });
      const target = { chargeId, clientId: who.clientId, now };
      const result =
        action === 'capture'
          ? await stores.db.charges.capture({ ...target, amount }, key, render)
          : await stores.db.charges.cancel(target, key, render);
      return actionReply(request, reply, action, result);
    });
  }

  app.post('/api/oauth2/charges/:id/refunds', async (request, reply) => {
    const who = await caller(request);
    const chargeId = (request.params as { id: string }).id;
    const now = new Date();
    let amount: bigint | undefined;
    let reason: string | null;
    try {
      amount = optionalAmount(body(request));
      reason = text(body(request), 'reason', 500) ?? null;
    } catch (error) {
      if (error instanceof ChargeAmountError) return oauthError(reply, 400, 'invalid_request', error.message);
      throw error;
    }
    const key = idempotency(request, who, {
      op: 'refund',
      chargeId,
      amount: amount?.toString() ?? null,
      reason,
    });
    const allowance = await allowanceOf(who);
    const result = await stores.db.charges.refund(
      {
        chargeId,
        clientId: who.clientId,
        now,
        amount,
        reason,
        refundId: `re_${randomId(16)}`,
        actor: `client:${who.clientId}`,
      },
      key,
      (outcome) => ({
        status: 201,
        body: { ...refundJson(outcome.refund!, format), charge: outcomeJson(outcome, allowance, now) },
      }),
    );
    return actionReply(request, reply, 'refund', result);
  });

  app.get('/api/oauth2/charges', async (request, reply) => {
    const who = await caller(request);
    const query = request.query as Record<string, unknown>;
    const limit = query.limit === undefined ? 20 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return oauthError(reply, 400, 'invalid_request', 'limit must be an integer from 1 to 100');
    }
    const startingAfter = typeof query.starting_after === 'string' ? query.starting_after : undefined;
    const list = await stores.db.charges.list({
      userId: who.userId,
      clientId: who.clientId,
      limit,
      startingAfter,
    });
    return { data: list.map((c) => chargeJson(c, format)), has_more: list.length === limit };
  });

  app.get('/api/oauth2/charges/:id', async (request, reply) => {
    const who = await caller(request);
    const charge = await stores.db.charges.get((request.params as { id: string }).id);
    if (!charge || charge.clientId !== who.clientId || charge.userId !== who.userId) {
      return oauthError(reply, 404, 'not_found', 'no such charge for this app');
    }
    const refunds = await stores.db.charges.listRefunds([charge.id]);
    return { ...chargeJson(charge, format), refunds: refunds.map((r) => refundJson(r, format)) };
  });
};
