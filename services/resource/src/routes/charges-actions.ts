import type { ChargeActionResult, MovementOutcome } from '@gatehouse/core';
import {
  actionFingerprint,
  ChargeAmountError,
  optionalChargeAmount,
  planRefund,
  type RefundRequest,
  readRefundRequest,
  refundFingerprint,
} from '@gatehouse/core/charges';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { MoneyFormat } from '../presenters.js';
import { outcomeJson, refundJson } from './charges-json.js';
import { bodyOf, type Caller, chargeCaller, idempotency, oauthError, send } from './charges-request.js';

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

/** `POST /api/oauth2/charges/:id/capture`, `…/cancel` and `…/refunds`: movements of an existing charge. */
export const chargeActionRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  const format: MoneyFormat = config;

  async function allowanceOf(who: Caller) {
    return stores.db.charges.getAllowance(who.userId, who.clientId);
  }

  for (const action of ['capture', 'cancel'] as const) {
    app.post(`/api/oauth2/charges/:id/${action}`, async (request, reply) => {
      const who = await chargeCaller(request, stores);
      const chargeId = (request.params as { id: string }).id;
      const now = new Date();
      let amount: bigint | undefined;
      try {
        amount =
          action === 'capture' ? optionalChargeAmount(bodyOf(request), config.quotaPerUnit) : undefined;
      } catch (error) {
        if (error instanceof ChargeAmountError)
          return oauthError(reply, 400, 'invalid_request', error.message);
        throw error;
      }
      const key = idempotency(request, who, actionFingerprint(action, chargeId, amount));
      const allowance = await allowanceOf(who);
      const render = (outcome: MovementOutcome) => ({
        status: 200,
        body: outcomeJson(outcome, allowance, now, format),
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
    const who = await chargeCaller(request, stores);
    const chargeId = (request.params as { id: string }).id;
    const now = new Date();
    let asked: RefundRequest;
    try {
      asked = readRefundRequest(bodyOf(request), config.quotaPerUnit);
    } catch (error) {
      if (error instanceof ChargeAmountError) return oauthError(reply, 400, 'invalid_request', error.message);
      throw error;
    }
    const key = idempotency(request, who, refundFingerprint(chargeId, asked));
    const allowance = await allowanceOf(who);
    const result = await stores.db.charges.refund(planRefund(who, chargeId, asked, now), key, (outcome) => ({
      status: 201,
      body: {
        ...refundJson(outcome.refund!, format),
        charge: outcomeJson(outcome, allowance, now, format),
      },
    }));
    return actionReply(request, reply, 'refund', result);
  });
};
