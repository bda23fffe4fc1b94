import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { createWebhookMetrics, type WebhookMetrics } from './webhook-metrics.js';

/**
 * One process's Prometheus metrics (prom-client: the maintained client, with the process,
 * heap and event-loop-lag collectors built in). Label values are bounded sets — route
 * templates, methods, status codes, grant types, OAuth error codes — never a user id,
 * token, client secret or raw URL.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  tokenGrants: Counter<'grant_type' | 'outcome'>;
  storeDuration: Histogram<'store' | 'port' | 'operation'>;
  storeErrors: Counter<'store' | 'port' | 'operation' | 'error'>;
  storeInFlight: Gauge<'store'>;
  events: Counter<'type'>;
  /** Audit writes after a done change that failed (logged, never shown to the user). */
  auditWriteFailures: Counter<'type'>;
  charges: Counter<'operation' | 'outcome'>;
  chargeQuota: Counter<'operation'>;
  webhooks: WebhookMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** The grant types a label may name; anything else counts as `other`. */
const GRANT_TYPES = new Set([
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
]);

export function grantTypeLabel(raw: unknown): string {
  return typeof raw === 'string' && GRANT_TYPES.has(raw) ? raw : 'other';
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'gatehouse_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'gatehouse_http_request_duration_seconds',
      help: 'Time from request to response, by method and route template.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    tokenGrants: new Counter({
      name: 'gatehouse_token_grants_total',
      help: 'Token endpoint requests by grant type and outcome (`success` or the OAuth error code).',
      labelNames: ['grant_type', 'outcome'],
      registers: [registry],
    }),
    storeDuration: new Histogram({
      name: 'gatehouse_store_operation_duration_seconds',
      help: 'Time of each call into a store port (`db`: Postgres or PGlite, `cache`: Redis or memory), by port and operation.',
      labelNames: ['store', 'port', 'operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'gatehouse_store_errors_total',
      help: 'Store calls that threw, by port, operation and error class (`unavailable` when the store could not be reached).',
      labelNames: ['store', 'port', 'operation', 'error'],
      registers: [registry],
    }),
    charges: new Counter({
      name: 'gatehouse_charges_total',
      help: 'Charges API calls by operation (charge, hold, capture, cancel, refund) and outcome (`succeeded` or the refusal).',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    chargeQuota: new Counter({
      name: 'gatehouse_charge_quota_total',
      help: 'Quota units moved by the charges API, by operation (charged, held, captured, refunded); replays count once.',
      labelNames: ['operation'],
      registers: [registry],
    }),
    storeInFlight: new Gauge({
      name: 'gatehouse_store_calls_in_flight',
      help: 'Store calls started and not yet settled, by store; db calls beyond DATABASE_POOL_SIZE are waiting for a connection.',
      labelNames: ['store'],
      registers: [registry],
    }),
    events: new Counter({
      name: 'gatehouse_events_total',
      help: 'Audit events recorded by this process, by type (logins, refresh-token reuse, code replays, charges, …).',
      labelNames: ['type'],
      registers: [registry],
    }),
    webhooks: createWebhookMetrics(registry),
    auditWriteFailures: new Counter({
      name: 'gatehouse_audit_write_failures_total',
      help: 'Audit events that could not be written after their change was done, by type (each also logged).',
      labelNames: ['type'],
      registers: [registry],
    }),
  };
}

/** Counts every response of `app` by its route template (`unmatched` for unknown paths). */
export function recordHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: reply.statusCode });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}

/**
 * `/metrics` on a listener of its own, so the public gateway can never route to it and a
 * scrape never queues behind user traffic.
 */
export async function startMetricsServer(
  metrics: Metrics,
  port: number,
  host: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
