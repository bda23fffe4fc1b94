import type { ChargeStore } from '@gatehouse/core';
import type { Db } from '../connection.js';
import { translateErrors } from '../errors.js';
import { captureCharge, refundCharge, releaseCharge, releaseExpired } from './charge-actions.js';
import { getAllowance, setAllowance } from './charge-allowance.js';
import { createCharge } from './charge-create.js';
import {
  checkLedger,
  currentUsage,
  getBalance,
  getCharge,
  listCharges,
  listRefunds,
} from './charge-reads.js';

/**
 * The durable ChargeStore. Each movement (create, capture, cancel, refund, each expired hold)
 * is one transaction with its idempotency key (`charge-idempotency.ts`); its balance, usage
 * and ledger statements are in `charge-movements.ts`.
 */
export function createChargeStore(db: Db): ChargeStore {
  return translateErrors<ChargeStore>({
    getAllowance: (userId, clientId) => getAllowance(db, userId, clientId),
    setAllowance: (userId, clientId, allowance, now) => setAllowance(db, userId, clientId, allowance, now),
    usage: (userId, clientId, periodStart) => currentUsage(db, userId, clientId, periodStart),
    getBalance: (userId) => getBalance(db, userId),
    create: (charge, idempotency, render) => createCharge(db, charge, idempotency, render),
    capture: (action, idempotency, render) => captureCharge(db, action, idempotency, render),
    cancel: (action, idempotency, render) => releaseCharge(db, action, idempotency, render),
    refund: (action, idempotency, render) => refundCharge(db, action, idempotency, render),
    releaseExpired: (now, limit) => releaseExpired(db, now, limit),
    get: (chargeId) => getCharge(db, chargeId),
    list: (filter) => listCharges(db, filter),
    listRefunds: (chargeIds) => listRefunds(db, chargeIds),
    checkLedger: () => checkLedger(db),
  });
}
