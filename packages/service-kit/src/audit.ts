import { type AuditEventInput, type AuditFailureReporter, auditRecorder, type Stores } from '@gatehouse/core';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from './metrics.js';

/**
 * Reports a failed after-the-change audit write (core's audit policy, audit/record.ts): logged
 * with its type and counted in `gatehouse_audit_write_failures_total`. `metrics` is read when a
 * failure happens, so a reporter built before the metrics are decorated still counts.
 */
export function auditFailureReporter(
  log: FastifyBaseLogger,
  metrics: () => Metrics | undefined,
): AuditFailureReporter {
  return (error, event) => {
    log.error({ err: error, auditType: event.type }, 'audit event could not be written');
    metrics()?.auditWriteFailures.inc({ type: event.type });
  };
}

const metricsOf = (app: FastifyInstance) => () => (app.hasDecorator('metrics') ? app.metrics : undefined);

/** The reporter of a service's process-wide contexts (built once, like TokenContext). */
export function appAuditFailureReporter(app: FastifyInstance): AuditFailureReporter {
  return auditFailureReporter(app.log, metricsOf(app));
}

/**
 * Records an audit event after its change (the request's address added when the event has
 * none): a failed write is logged on the request and counted, never turned into an error the
 * user would see and retry. A change that is one durable transaction records its event in that
 * transaction instead (its store method takes the event).
 */
export async function recordAudit(
  stores: Stores,
  request: FastifyRequest,
  event: AuditEventInput,
): Promise<void> {
  const report = auditFailureReporter(request.log, metricsOf(request.server));
  await auditRecorder(stores.db.audit, report).record({ ip: request.ip, ...event });
}
