import { randomUUID } from 'node:crypto';
import type { GatehouseClient } from '@gatehouse/sdk';

type UserSession = ReturnType<GatehouseClient['session']>;

/** What the premium feature costs, in the provider's currency. */
export const PREMIUM_PRICE = '0.50';
/** The allowance this app suggests at consent; the user may choose another. */
export const SUGGESTED_ALLOWANCE = { limit: '5.00', period: 'month' } as const;

/** The demo route's answer: a status and a JSON body for the page. */
export interface PurchaseAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Thrown when Gatehouse answers something this app cannot turn into a message (a 502 upstream). */
export class PurchaseUpstreamError extends Error {
  constructor(readonly status: number) {
    super(`the charges API answered ${status}`);
  }
}

async function chargesCall(user: UserSession, path: string, key: string, body: Record<string, unknown>) {
  const response = await user.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  let json: Record<string, unknown> = {};
  try {
    json = (await response.json()) as Record<string, unknown>;
  } catch {
    // not JSON: handled as an upstream error below
  }
  return { status: response.status, json };
}

/**
 * Buys the premium feature the way metered usage would: reserve the price (a hold), do the
 * work, then capture it. The idempotency keys make the SDK's one retry after a refreshed
 * token (and any retry of ours) charge once.
 */
export async function buyPremiumFeature(user: UserSession): Promise<PurchaseAnswer> {
  const key = randomUUID();
  const hold = await chargesCall(user, '/api/oauth2/charges', `premium-${key}`, {
    amount: PREMIUM_PRICE,
    description: 'Demo App premium feature',
    reference: `premium-${key}`,
    capture: false,
  });
  if (hold.status === 402 && hold.json.error === 'insufficient_balance') {
    return {
      status: 402,
      body: {
        error: 'insufficient_balance',
        error_description: 'Your balance is too low for this purchase. Top up at Gatehouse and try again.',
        topup_url: hold.json.topup_url,
      },
    };
  }
  if (hold.status === 403 && hold.json.error === 'allowance_exceeded') {
    return {
      status: 403,
      body: {
        error: 'allowance_exceeded',
        error_description:
          'This purchase is above the spending limit you set for Demo App. You can raise it on your Gatehouse account page.',
        allowance: hold.json.allowance ?? null,
      },
    };
  }
  if (hold.status === 403 && hold.json.error === 'insufficient_scope') {
    return {
      status: 403,
      body: {
        error: 'purchases_not_enabled',
        error_description: 'Enable purchases first: Gatehouse asks you for a spending limit.',
      },
    };
  }
  if (hold.status !== 201 || typeof hold.json.id !== 'string') throw new PurchaseUpstreamError(hold.status);

  // The feature "runs" here; its price is known now, so the whole hold is captured.
  const captured = await chargesCall(
    user,
    `/api/oauth2/charges/${encodeURIComponent(hold.json.id)}/capture`,
    `premium-${key}-capture`,
    {},
  );
  if (captured.status !== 200) throw new PurchaseUpstreamError(captured.status);
  return {
    status: 200,
    body: {
      charge: captured.json,
      // The hold already took the price out of the available balance; capturing all of it
      // leaves that balance as it was.
      balance: hold.json.balance,
      allowance: hold.json.allowance,
    },
  };
}
