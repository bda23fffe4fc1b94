import { randomId } from '@gatehouse/core';
import { ChargeAmountError, chargeAmountOf } from '@gatehouse/core/charges';
import { quotaToJson } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError, badRequest, notFound, ok } from '../envelope.js';
import { audit, idempotencyKeyOf } from '../request-parts.js';
import { chargeJson, heldBalanceJson, refundJson } from './charges-json.js';

const listSchema = {
  querystring: {
    type: 'object',
    properties: {
      user_id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
      client_id: { type: 'string', minLength: 1, maxLength: 200 },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
      starting_after: { type: 'string', minLength: 1, maxLength: 200 },
    },
  },
} as const;

const refundSchema = {
  body: {
    type: 'object',
    required: ['reason'],
    properties: {
      quota: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
      amount: { type: 'string', minLength: 1, maxLength: 40 },
      reason: { type: 'string', minLength: 1, maxLength: 500 },
    },
  },
} as const;

/**
 * `GET /api/admin/charges`, `POST /api/admin/charges/:id/refunds` (on the user's behalf,
 * audited, SEC-94) and `GET /api/admin/ledger/check` (balance = ledger sum, held = open holds).
 */
export const adminChargeRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  app.get('/api/admin/charges', { schema: listSchema }, async (request) => {
    const query = request.query as {
      user_id?: number;
      client_id?: string;
      limit: number;
      starting_after?: string;
    };
    let clientId: number | undefined;
    if (query.client_id !== undefined) {
      const client = await stores.db.clients.findByClientId(query.client_id);
      if (!client) return ok('0 charge(s)', []);
      clientId = client.id;
    }
    const list = await stores.db.charges.list({
      userId: query.user_id,
      clientId,
      limit: query.limit,
      startingAfter: query.starting_after,
    });
    const refunds = await stores.db.charges.listRefunds(list.map((c) => c.id));
    return ok(
      `${list.length} charge(s)`,
      list.map((c) => ({
        ...chargeJson(c, config),
        user_id: c.userId,
        client: c.clientId,
        refunds: refunds.filter((r) => r.chargeId === c.id).map((r) => refundJson(r, config)),
      })),
    );
  });

  app.post('/api/admin/charges/:id/refunds', { schema: refundSchema }, async (request, reply) => {
    const chargeId = (request.params as { id: string }).id;
    const body = request.body as { quota?: number; amount?: string; reason: string };
    let amount: bigint | undefined;
    if (body.quota !== undefined || body.amount !== undefined) {
      try {
        amount = chargeAmountOf(body, config.quotaPerUnit);
      } catch (error) {
        if (error instanceof ChargeAmountError) throw badRequest(error.message);
        throw error;
      }
    }
    const key = idempotencyKeyOf(request);
    const now = new Date();
    const result = await stores.db.charges.refund(
      {
        chargeId,
        clientId: null,
        now,
        amount,
        reason: body.reason,
        refundId: `re_${randomId(16)}`,
        actor: 'admin',
      },
      // SEC-33: the admin's keys are the admin's, apart from every client's.
      {
        scope: 'admin',
        key,
        fingerprint: JSON.stringify([chargeId, amount?.toString() ?? null, body.reason]),
      },
      (outcome) => ({
        status: 200,
        body: ok('refund applied', {
          ...refundJson(outcome.refund!, config),
          charge: chargeJson(outcome.charge, config),
          balance: heldBalanceJson(outcome.balance, config, now),
        }),
      }),
    );
    switch (result.kind) {
      case 'done':
        await audit(stores, request, {
          type: 'charge.refunded',
          actor: 'admin',
          userId: result.outcome.charge.userId,
          data: {
            charge_id: chargeId,
            refund_id: result.outcome.refund!.id,
            quota: quotaToJson(result.outcome.refund!.amount),
            reason: body.reason,
          },
        });
        return result.response.body;
      case 'replayed':
        reply.header('idempotent-replayed', 'true');
        return result.response.body;
      case 'idempotency_conflict':
        throw new ApiError(422, 'this Idempotency-Key was already used for another refund');
      case 'not_found':
        throw notFound(`no charge with id ${chargeId}`);
      case 'exceeds_captured':
        throw badRequest(
          `refunds may not exceed the captured amount; refundable quota: ${result.refundable}`,
        );
      default:
        throw new ApiError(409, `the charge cannot be refunded (${result.kind})`);
    }
  });

  app.get('/api/admin/ledger/check', async () => {
    const mismatches = await stores.db.charges.checkLedger();
    return ok(
      mismatches.length === 0
        ? 'every balance equals its ledger and every hold is accounted for'
        : `${mismatches.length} mismatch(es)`,
      mismatches.map((m) => ({
        user_id: m.userId,
        quota: m.quota.toString(),
        ledger_sum: m.ledgerSum.toString(),
        held: m.held.toString(),
        held_sum: m.heldSum.toString(),
        open_holds: m.openHolds.toString(),
      })),
    );
  });
};
