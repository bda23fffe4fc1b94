import { type Stores, StoreUnavailableError } from '@gatehouse/core';
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Metrics } from './metrics.js';
import { gatehouseTracer } from './tracing.js';

interface Instrumentation {
  metrics: Metrics;
  /** A span per call (child of the request's), when tracing is on. */
  traced: boolean;
}

/** Audit types are dotted names written in code; anything else is not a label value. */
const EVENT_TYPE = /^[a-z][a-z_]*(\.[a-z_]+){1,3}$/;

/**
 * The same stores, with every port call timed and every failure counted by port and
 * operation — the "store latency and errors per port" an operator needs to tell a slow
 * Postgres from a slow Redis. Audit appends also count events by type, which is how logins,
 * refresh-token reuse and code replays become series without a counter in every route.
 * Labels are port and method names from the code, so their number is bounded.
 */
export function instrumentStores<S extends Stores>(
  stores: S,
  metrics: Metrics,
  options: { traced?: boolean } = {},
): S {
  const instrumentation = { metrics, traced: options.traced ?? false };
  const db = instrumentGroup('db', stores.db, instrumentation);
  const cache = instrumentGroup('cache', stores.cache, instrumentation);
  return { ...stores, db, cache };
}

function instrumentGroup<G extends object>(
  store: 'db' | 'cache',
  group: G,
  instrumentation: Instrumentation,
): G {
  const ports = new Map<PropertyKey, unknown>();
  return new Proxy(group, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof name !== 'string' || typeof value !== 'object' || value === null) return value;
      let wrapped = ports.get(name);
      if (!wrapped) {
        wrapped = instrumentPort(store, name, value, instrumentation);
        ports.set(name, wrapped);
      }
      return wrapped;
    },
  });
}

function instrumentPort(
  store: string,
  port: string,
  target: object,
  instrumentation: Instrumentation,
): object {
  const { metrics, traced } = instrumentation;
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, name) {
      const value = Reflect.get(object, name, object);
      if (typeof name !== 'string' || typeof value !== 'function') return value;
      let wrapped = methods.get(name);
      if (!wrapped) {
        const labels = { store, port, operation: name };
        const spanName = `${store}.${port}.${name}`;
        wrapped = (...args: unknown[]) => {
          if (port === 'audit' && name === 'append') countEvent(metrics, args[0]);
          // A consent's event is written in its own transaction (core's audit policy): counted
          // when the store builds it, as an append is when called.
          if (port === 'grants' && name === 'upsert' && typeof args[4] === 'function') {
            const eventOf = args[4] as (grant: unknown) => unknown;
            args[4] = (grant: unknown) => {
              const event = eventOf(grant);
              countEvent(metrics, event);
              return event;
            };
          }
          const stop = metrics.storeDuration.startTimer(labels);
          metrics.storeInFlight.inc({ store });
          const span = traced
            ? gatehouseTracer().startSpan(spanName, {
                kind: SpanKind.CLIENT,
                attributes: { 'gatehouse.store': store },
              })
            : null;
          const done = (error?: unknown) => {
            stop();
            metrics.storeInFlight.dec({ store });
            if (error !== undefined) {
              const kind = error instanceof StoreUnavailableError ? 'unavailable' : 'error';
              metrics.storeErrors.inc({ ...labels, error: kind });
              span?.setStatus({ code: SpanStatusCode.ERROR, message: kind });
            }
            span?.end();
          };
          let result: unknown;
          try {
            result = span ? callInSpan(span, () => value.apply(object, args)) : value.apply(object, args);
          } catch (error) {
            done(error);
            throw error;
          }
          if (!(result instanceof Promise)) {
            done();
            return result;
          }
          return result.then(
            (settled) => {
              done();
              return settled;
            },
            (error: unknown) => {
              done(error);
              throw error;
            },
          );
        };
        methods.set(name, wrapped);
      }
      return wrapped;
    },
  });
}

function callInSpan<T>(span: Span, run: () => T): T {
  return context.with(trace.setSpan(context.active(), span), run);
}

function countEvent(metrics: Metrics, event: unknown): void {
  const type = (event as { type?: unknown } | undefined)?.type;
  if (typeof type === 'string' && type.length <= 64 && EVENT_TYPE.test(type)) metrics.events.inc({ type });
}
