import { type LedgerEntry, MAX_BALANCE, type Stores } from '@gatehouse/core';
import { quotaToJson } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, notFound, ok } from '../envelope.js';
import { type MoneyFormat, moneyJson } from '../presenters.js';
import { audit, idempotencyKeyOf, numericId, quotaOfBody } from '../request-parts.js';
import { decimalAmount, quotaAmount, requireJsonTypes } from '../schemas.js';

const moveSchema = {
  body: {
    type: 'object',
    required: ['reason'],
    properties: {
      quota: quotaAmount,
      amount: decimalAmount,
      reason: { type: 'string', minLength: 1, maxLength: 500 },
    },
  },
} as const;

type Direction = 'credit' | 'debit';

function entryResult(entry: LedgerEntry, format: MoneyFormat) {
  return {
    entry_id: entry.id,
    quota: quotaToJson(entry.balanceAfter),
    balance: moneyJson(entry.balanceAfter, format),
  };
}

/**
 * `POST /api/admin/users/:id/credits|debits` (API.md §7, SEC-23, SEC-24, SEC-32, SEC-33): one
 * ledger row and one balance update in one transaction; an `Idempotency-Key` per
 * change; a retry returns the first result, the same key with another amount is
 * 422, a debit below zero is 409 and writes nothing.
 */
function moveMoney(stores: Stores, format: MoneyFormat, direction: Direction) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = (request.params as { id: string }).id;
    const userId = numericId(raw);
    if (userId === null) throw notFound(`no user with id ${raw}`);
    const idempotencyKey = idempotencyKeyOf(request);
    const body = request.body as { quota?: number; amount?: string; reason: string };
    const amount = quotaOfBody(body, format.quotaPerUnit);

    const result = await stores.db.ledger.apply({
      userId,
      amount: direction === 'debit' ? -amount : amount,
      kind: direction,
      reference: body.reason,
      idempotencyKey,
      actor: 'admin',
    });
    switch (result.kind) {
      case 'applied':
        await audit(stores, request, {
          type: direction === 'credit' ? 'balance.credited' : 'balance.debited',
          actor: 'admin',
          userId,
          data: { entry_id: result.entry.id, quota: quotaToJson(amount), reason: body.reason },
        });
        return ok(`${direction} applied`, entryResult(result.entry, format));
      case 'replayed':
        reply.header('idempotent-replayed', 'true');
        return ok(
          `${direction} already applied with this Idempotency-Key; this is its first result`,
          entryResult(result.entry, format),
        );
      case 'idempotency_conflict':
        throw new ApiError(
          422,
          'this Idempotency-Key was already used for another user, amount or kind; use a new key for a new change',
        );
      case 'insufficient_funds':
        throw new ApiError(
          409,
          'insufficient funds: the debit would take the balance below zero; nothing was changed',
          {
            quota: quotaToJson(result.balance.quota),
          },
        );
      case 'balance_limit':
        // SEC-32: refused by the statement itself, not by a read before it.
        throw new ApiError(
          409,
          `the change would take the balance or used quota above ${MAX_BALANCE} quota, the largest supported; nothing was changed`,
          { quota: quotaToJson(result.balance.quota) },
        );
      case 'user_not_found':
        throw notFound(`no user with id ${raw}`);
    }
  };
}

export const adminMoneyRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  const options = { schema: moveSchema, preValidation: requireJsonTypes({ quota: 'number' }) };
  app.post('/api/admin/users/:id/credits', options, moveMoney(stores, config, 'credit'));
  app.post('/api/admin/users/:id/debits', options, moveMoney(stores, config, 'debit'));
};
