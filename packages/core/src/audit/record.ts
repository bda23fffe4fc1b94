import type { AuditStore } from '../ports/audit.js';
import { type AuditEventInput, auditRow } from './events.js';

/**
 * Where a failed audit write is reported: the service logs it and counts it
 * (`gatehouse_audit_write_failures_total`). Never throws.
 */
export type AuditFailureReporter = (error: unknown, event: AuditEventInput) => void;

/**
 * The one audit recording policy.
 *
 * - With the change: where the change is one durable transaction, its store method takes the
 *   event and writes it in that transaction (e.g. `GrantStore.upsert` for a consent), so the
 *   change and its record commit or roll back together, and a failure is the change's failure.
 * - After the change: where the change is not durable with the audit log (cache state, a
 *   session, a security event without a change, a change in another transaction), the event is
 *   recorded afterwards by `recordAudit`. The change is done, so a failed write is reported
 *   (logged and counted) and never turned into an error the user would see and retry.
 */
export interface AuditRecorder {
  /** Records after the change; resolves whether or not the write succeeded. */
  record(event: AuditEventInput): Promise<void>;
}

export function auditRecorder(
  store: Pick<AuditStore, 'append'>,
  report: AuditFailureReporter,
): AuditRecorder {
  return {
    async record(event) {
      try {
        await store.append(auditRow(event));
      } catch (error) {
        report(error, event);
      }
    },
  };
}
