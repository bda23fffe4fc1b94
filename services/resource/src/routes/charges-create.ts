import { randomId } from '@gatehouse/core';
import { allowanceStatus, ChargeAmountError, chargeAmountOf, periodStart } from '@gatehouse/core/charges';
import { topupLink } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import type { MoneyFormat } from '../presenters.js';
import { allowanceJson, heldBalanceJson, outcomeJson } from './charges-json.js';
import { bodyOf, chargeCaller, idempotency, oauthError, send, text } from './charges-request.js';

/** `POST /api/oauth2/charges`: a charge, or with `capture: false` a hold (API.md). */
export const chargeCreateRoute: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  const format: MoneyFormat = config;
  const holdTtlMs = config.holdTtl * 1000;

  app.post('/api/oauth2/charges', async (request, reply) => {
    const who = await chargeCaller(request, stores);
    const now = new Date();
    let amount: bigint;
    let description: string;
    let reference: string | null;
    let capture: boolean;
    try {
      const b = bodyOf(request);
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
      (outcome) => ({ status: 201, body: outcomeJson(outcome, allowance, now, format) }),
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
};
