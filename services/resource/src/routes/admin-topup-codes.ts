import { randomId, randomToken, sha256Hex, TOKEN_PREFIX } from '@gatehouse/core';
import { quotaToJson, unixSeconds } from '@gatehouse/core/resource';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { badRequest, ok } from '../envelope.js';
import { moneyJson } from '../presenters.js';
import { audit, quotaOfBody } from '../request-parts.js';
import { decimalAmount, quotaAmount, requireJsonTypes } from '../schemas.js';

const MAX_CODES = 1000;

const createSchema = {
  body: {
    type: 'object',
    required: ['count'],
    properties: {
      quota: quotaAmount,
      amount: decimalAmount,
      count: { type: 'integer', minimum: 1, maximum: MAX_CODES },
      // Unix seconds or an ISO 8601 string: checked by expiryOf, which says which forms it takes.
      expires_at: {},
    },
  },
} as const;

/**
 * `expires_at`: unix seconds or an ISO 8601 date-time with a time zone; it must lie
 * in the future. Absent or null: the codes never expire.
 */
function expiryOf(raw: unknown, now: Date): Date | null {
  if (raw === undefined || raw === null) return null;
  let date: Date;
  if (typeof raw === 'number' && Number.isInteger(raw)) {
    date = new Date(raw * 1000);
  } else if (
    typeof raw === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)
  ) {
    date = new Date(raw);
  } else {
    throw badRequest('expires_at must be unix seconds or an ISO 8601 date-time such as 2030-01-31T00:00:00Z');
  }
  if (Number.isNaN(date.getTime())) throw badRequest('expires_at is not a valid date');
  if (date <= now) throw badRequest('expires_at must be in the future');
  return date;
}

/**
 * `POST /api/admin/topup-codes`: a batch of codes worth `quota` (or `amount`) each. The codes are
 * 256-bit random, returned in this response only; the database keeps their hashes.
 */
export const adminTopupCodeRoutes: FastifyPluginAsync<ServiceOptions> = async (app, { stores, config }) => {
  app.post(
    '/api/admin/topup-codes',
    { schema: createSchema, preValidation: requireJsonTypes({ quota: 'number', count: 'number' }) },
    async (request, reply) => {
      const body = request.body as { quota?: number; amount?: string; count: number; expires_at?: unknown };
      const quota = quotaOfBody(body, config.quotaPerUnit);
      const expiresAt = expiryOf(body.expires_at, new Date());
      const codes = Array.from({ length: body.count }, () => randomToken(TOKEN_PREFIX.topupCode));
      const batchId = randomId();
      await stores.db.topupCodes.createBatch({
        batchId,
        quota,
        expiresAt,
        codeHashes: codes.map(sha256Hex),
        createdBy: 'admin',
      });
      await audit(stores, request, {
        type: 'topup_codes.created',
        actor: 'admin',
        data: { batch_id: batchId, count: body.count, quota: quotaToJson(quota) },
      });
      reply.code(201);
      return ok(`${codes.length} top-up code(s) created; they are shown only once`, {
        batch_id: batchId,
        quota: quotaToJson(quota),
        value: moneyJson(quota, config),
        count: codes.length,
        expires_at: expiresAt ? unixSeconds(expiresAt) : null,
        codes,
      });
    },
  );
};
