import {
  allowanceStatus,
  ChargeAmountError,
  type ChargeRequest,
  chargeFingerprint,
  planCharge,
  readChargeRequest,
} from '@gatehouse/core/charges';
import { topupLink } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import type { MoneyFormat } from '../presenters.js';
import { allowanceJson, heldBalanceJson, outcomeJson } from './charges-json.js';
import { bodyOf, chargeCaller, idempotency, oauthError, send } from './charges-request.js';

/** `POST /api/oauth2/charges`: a charge, or with `capture: false` a hold (API.md). */
export const chargeCreateRoute: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  const format: MoneyFormat = config;

  app.post('/api/oauth2/charges', async (request, reply) => {
    const who = await chargeCaller(request, stores);
    const now = new Date();
    let asked: ChargeRequest;
    try {
      asked = readChargeRequest(bodyOf(request), config.quotaPerUnit);
    } catch (error) {
      if (error instanceof ChargeAmountError) return oauthError(reply, 400, 'invalid_request', error.message);
      throw error;
    }
    const { amount, capture } = asked;
    const key = idempotency(request, who, chargeFingerprint(asked));
    const allowance = await stores.db.charges.getAllowance(who.userId, who.clientId);
    const plan = planCharge(asked, who, allowance, now, config.holdTtl);
    if (plan.kind === 'no_allowance') {
      request.server.metrics?.charges.inc({
        operation: capture ? 'charge' : 'hold',
        outcome: 'no_allowance',
      });
      return oauthError(reply, 403, 'allowance_exceeded', 'the user has not set an allowance for this app', {
        allowance: null,
      });
    }
    const result = await stores.db.charges.create(plan.charge, key, (outcome) => ({
      status: 201,
      body: outcomeJson(outcome, plan.charge.allowance, now, format),
    }));
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
            allowance: allowanceJson(allowanceStatus(plan.charge.allowance, result.used, now), format),
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
};
