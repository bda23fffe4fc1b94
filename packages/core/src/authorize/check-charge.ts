import type { ChargeSuggestion } from '../charges/allowance.js';
import { parseAllowanceLimit } from '../charges/allowance.js';
import { isChargePeriod } from '../charges/period.js';
import { InvalidRequestError } from '../errors.js';
import type { RawAuthorizationRequest } from './parameters.js';

/**
 * Step 7: `charge_limit` (decimal money string in CURRENCY) and `charge_period` suggest the
 * allowance the consent page prefills (SEC-85). They only mean something next to the `charge`
 * scope, so sending them without it is a mistake the client hears about. A suggestion above the
 * platform maximum is not an error: the page caps it, the user decides.
 */
export function checkChargeSuggestion(
  raw: RawAuthorizationRequest,
  scopes: readonly string[],
  quotaPerUnit: bigint,
): ChargeSuggestion | null {
  const limitText = raw.params.charge_limit;
  const periodText = raw.params.charge_period;
  if (limitText === undefined && periodText === undefined) return null;
  if (!scopes.includes('charge')) {
    throw new InvalidRequestError('charge_limit and charge_period need the charge scope');
  }
  let limit: bigint | null = null;
  if (limitText !== undefined) {
    limit = parseAllowanceLimit(limitText, quotaPerUnit);
    if (limit === null) {
      throw new InvalidRequestError(
        'charge_limit must be a positive amount with at most two decimal places, e.g. 5.00',
      );
    }
  }
  if (periodText !== undefined && !isChargePeriod(periodText)) {
    throw new InvalidRequestError('charge_period must be one of day, week, month, total');
  }
  return { limit, period: periodText ?? null };
}
