/**
 * The fake provider's charges API (API.md, charges): a charge or a hold against the account's
 * balance and the app's allowance, capture of a hold, and answers replayed by Idempotency-Key.
 */
export interface FakeAccount {
  /** The available balance and the allowance left, in quota (500 000 = 1.00 USD). */
  balanceQuota: number;
  allowanceLeftQuota: number;
}

const QUOTA_PER_UNIT = 500_000;
const ALLOWANCE_QUOTA = 2_500_000;
const money = (quota: number) => (quota / QUOTA_PER_UNIT).toFixed(2);

type Json = (status: number, body: unknown) => Response;

export function fakeCharges(issuer: string, clientId: string, json: Json) {
  const account: FakeAccount = { balanceQuota: 375_000_000, allowanceLeftQuota: ALLOWANCE_QUOTA };
  const charges = new Map<string, { quota: number; status: 'held' | 'succeeded' }>();
  const answered = new Map<string, Response>();
  let serial = 0;

  const balance = () => ({
    amount: money(account.balanceQuota),
    currency: 'USD',
    quota: account.balanceQuota,
    as_of: Date.now(),
  });
  const allowance = () => ({
    limit: { amount: money(ALLOWANCE_QUOTA), quota: ALLOWANCE_QUOTA },
    period: 'month',
    used: {
      amount: money(ALLOWANCE_QUOTA - account.allowanceLeftQuota),
      quota: ALLOWANCE_QUOTA - account.allowanceLeftQuota,
    },
    remaining: { amount: money(account.allowanceLeftQuota), quota: account.allowanceLeftQuota },
    currency: 'USD',
    resets_at: null,
  });

  /** A write needs an Idempotency-Key; a replay gets the first answer. */
  function idempotent(headers: Headers, write: () => Response): Response {
    const key = headers.get('idempotency-key');
    if (!key)
      return json(400, { error: 'invalid_request', error_description: 'Idempotency-Key is required' });
    const replay = answered.get(key);
    if (replay) return replay.clone();
    const response = write();
    answered.set(key, response.clone());
    return response;
  }

  function create(body: { amount: string; capture?: boolean }): Response {
    const quota = Math.round(Number(body.amount) * QUOTA_PER_UNIT);
    if (quota > account.balanceQuota) {
      return json(402, {
        error: 'insufficient_balance',
        error_description: 'the balance cannot cover this charge',
        topup_url: `${issuer}/topup?client_id=${clientId}`,
        balance: balance(),
      });
    }
    if (quota > account.allowanceLeftQuota) {
      return json(403, {
        error: 'allowance_exceeded',
        error_description: 'the allowance cannot cover this charge',
        allowance: allowance(),
      });
    }
    account.balanceQuota -= quota;
    account.allowanceLeftQuota -= quota;
    serial += 1;
    const id = `ch_${serial}`;
    const status = body.capture === false ? 'held' : 'succeeded';
    charges.set(id, { quota, status });
    const amount = money(quota);
    return json(201, {
      id,
      status,
      amount,
      quota,
      currency: 'USD',
      balance: balance(),
      allowance: allowance(),
    });
  }

  function capture(id: string): Response {
    const charge = charges.get(id);
    if (!charge) return json(404, { error: 'not_found' });
    if (charge.status !== 'held') return json(409, { error: 'charge_not_held' });
    charge.status = 'succeeded';
    const amount = money(charge.quota);
    return json(200, {
      id,
      status: 'succeeded',
      amount,
      quota: charge.quota,
      currency: 'USD',
      captured_amount: amount,
      captured_quota: charge.quota,
    });
  }

  return {
    account,
    charges,
    balance,
    allowance,
    /** POST /api/oauth2/charges and POST /api/oauth2/charges/{id}/capture; null for other paths. */
    route(method: string, pathname: string, headers: Headers, body: string): Response | null {
      if (method !== 'POST') return null;
      if (pathname === '/api/oauth2/charges') return idempotent(headers, () => create(JSON.parse(body)));
      const captured = /^\/api\/oauth2\/charges\/([^/]+)\/capture$/.exec(pathname);
      if (captured) return idempotent(headers, () => capture(decodeURIComponent(captured[1]!)));
      return null;
    },
  };
}
