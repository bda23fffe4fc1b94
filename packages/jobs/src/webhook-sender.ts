import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { type DestinationPolicy, destinationAllowed } from '@gatehouse/core/webhooks';

export const DELIVERY_TIMEOUT_MS = 5_000;

export interface DeliveryResult {
  /** The response's status, or null when none came (refused address, network, timeout). */
  status: number | null;
  error: string | null;
  /** Whether the destination was refused (SEC-93): nothing was sent. */
  refused: boolean;
}

/**
 * SEC-93: the connection goes to an address that was checked. The socket's own DNS lookup is
 * replaced by one that resolves, refuses when any address is not allowed, and hands the
 * checked address to the socket — no second lookup an attacker's DNS could answer otherwise.
 */
function checkedLookup(policy: DestinationPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const refused = list.find((a) => !destinationAllowed(a.address, policy));
      if (refused || list.length === 0) {
        return callback(new RefusedDestination(hostname), '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

class RefusedDestination extends Error {
  constructor(hostname: string) {
    super(`${hostname} resolves to an address webhooks may not reach`);
  }
}

/**
 * POSTs one delivery: 5 s for the whole exchange, redirects never followed (a 3xx is a
 * failed try), the response body read and dropped. Never throws.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: DestinationPolicy,
): Promise<DeliveryResult> {
  const target = new URL(url);
  // SEC-99: literal IP hosts skip `lookup`: checked before any socket exists — creating the request
  // would already start the connection.
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (/^[0-9.]+$|:/.test(literal) && !destinationAllowed(literal, policy)) {
    const refused = new RefusedDestination(literal);
    return Promise.resolve({ status: null, error: refused.message, refused: true });
  }
  return new Promise((resolve) => {
    const client = target.protocol === 'https:' ? https : http;
    let settled = false;
    const done = (result: DeliveryResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Gatehouse-Webhooks/1' },
        lookup: checkedLookup(policy),
        agent: false,
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? null;
        response.on('end', () => done({ status, error: null, refused: false }));
        response.on('error', () => done({ status, error: null, refused: false }));
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error('timed out after 5 s'));
    }, DELIVERY_TIMEOUT_MS);
    request.on('error', (error) =>
      done({
        status: null,
        error: error.message.slice(0, 200),
        refused: error instanceof RefusedDestination,
      }),
    );
    request.end(body);
  });
}
