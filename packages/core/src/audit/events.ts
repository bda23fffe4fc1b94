import type { ChargePeriod } from '../charges/period.js';
import type { NewAuditEvent } from '../ports/audit.js';

/** Who did it, as the audit log names them. */
export type AuditActor = `user:${number}` | `client:${string}` | 'admin' | 'system' | 'seed' | 'anonymous';

/** The actor constructors: the only spellings of `AuditEvent.actor`. */
export const actor = {
  user: (userId: number): AuditActor => `user:${userId}`,
  client: (clientId: string): AuditActor => `client:${clientId}`,
  /** The administrator API (its bearer is the admin token, not a user). */
  admin: 'admin',
  /** Gatehouse itself (jobs, migrations). */
  system: 'system',
  /** The demo seed of the stack. */
  seed: 'seed',
  /** A request without a known user (a sign-in with an unknown username). */
  anonymous: 'anonymous',
} as const satisfies Record<string, AuditActor | ((...args: never[]) => AuditActor)>;

/** An allowance as audit data: the limit as a decimal string of quota (JSON has no bigint). */
export interface AuditedAllowance {
  limit: string;
  period: ChargePeriod;
}

/** A payload with nothing in it (`data` is `{}` or left out). */
type NoData = { none?: never };

/** A quota amount as the API writes it in JSON. */
type Quota = string | number;

/**
 * Every audit event type with the payload it carries (never secrets; SEC-14). One place, so a
 * reader of the audit log finds what each `data` holds, and a typo in a type is a compile error.
 */
export interface AuditPayloads {
  'login.succeeded': { device: 'recognised' | 'new'; delay_ms: number; second_factor?: string };
  'login.failed': {
    reason: 'wrong_password' | 'unknown_user' | 'disabled' | 'passkey_not_verified' | 'wrong_second_factor';
  };
  logout: { rp_initiated?: true };
  'user.signed_up': { username: string };
  'user.created': NoData;
  'user.disabled': { previous_status: string };
  'email.verification_sent': { email: string };
  'email.verified': NoData;
  /** Hashes: the log names which address without keeping the old one readable. */
  'email.changed': { old_email_sha256: string; new_email: string };
  'password.changed': NoData;
  'password.reset_requested': { mailed: boolean };
  'password.reset_completed': NoData;
  'two_factor.enabled': { method: 'totp'; recovery_codes: number };
  'two_factor.removed': { method: 'totp' };
  'two_factor.recovery_code_used': { recovery_codes_left: number };
  'two_factor.reset': { totp: boolean; recovery_codes_left: number; passkeys: number };
  'passkey.added': { passkey_id: number; name: string };
  'passkey.removed': { passkey_id: number };
  'consent.granted': { scopes: string[]; automatic?: 'trusted_client'; allowance?: AuditedAllowance };
  'consent.denied': { scopes: string[] };
  'consent.revoked': { scopes: string[] };
  'allowance.changed': { from: AuditedAllowance | null; to: AuditedAllowance };
  'spending.stopped': { allowance: AuditedAllowance | null };
  'device.approved': { scopes: string[] };
  'device.denied': { scopes: string[] };
  'developer_token.created': { token_id: number; name: string };
  'developer_token.revoked': { token_id: number };
  'client.created': {
    name: string;
    redirect_uris: string[];
    token_endpoint_auth_method: string;
    trusted?: boolean;
    via?: 'console';
  };
  /** What changed: the field names, or (admin API) the patch itself. */
  'client.updated': {
    changed?: string[];
    redirect_uris?: string[];
    via?: 'console';
    [field: string]: unknown;
  };
  'client.deleted': { name: string; via?: 'console' };
  'client.secret_rotated': { via?: 'console' };
  'client.webhook_set': { url: string; via?: 'console' };
  'client.webhook_secret_rotated': { via?: 'console' };
  'client.webhook_removed': { via?: 'console' };
  'client.webhook_resent': { event_id: string; type: string; via?: 'console' };
  'authorization_code.replayed': { familyId: string };
  'refresh_token.reuse_detected': { familyId: string; familyRevoked: boolean };
  'balance.topup': { batch_id: string | null; ledger_entry_id: number; quota: string };
  'balance.topup_failed': {
    reason: 'not_found' | 'used' | 'expired' | 'balance_limit' | 'malformed' | string;
  };
  'balance.credited': { entry_id: number; quota: Quota; reason?: string };
  'balance.debited': { entry_id: number; quota: Quota; reason?: string };
  'charge.refunded': {
    charge_id: string | number;
    refund_id: string | number;
    quota: Quota;
    reason?: string;
  };
  'topup_codes.created': { batch_id: string; count: number; quota: Quota };
  'signing_key.rotated': { kid: string; alg: string; publication_delay_seconds: number };
  'seed.demo_data': NoData;
}

export type AuditEventType = keyof AuditPayloads;

/**
 * One audit event as code records it: a known type with its payload, and an actor from
 * `actor`. `data` may be left out only where every field of its payload is optional. The
 * store's `NewAuditEvent` is the untyped row this becomes.
 */
export type AuditEventInput = {
  [T in AuditEventType]: {
    type: T;
    actor: AuditActor;
    userId?: number | null;
    /** Public client id, when the event concerns a client. */
    clientId?: string | null;
    ip?: string | null;
  } & (Partial<AuditPayloads[T]> extends AuditPayloads[T]
    ? { data?: AuditPayloads[T] }
    : { data: AuditPayloads[T] });
}[AuditEventType];

/** The typed event as the store's row (a type check only: every typed event is one). */
export function auditRow(event: AuditEventInput): NewAuditEvent {
  return event as NewAuditEvent;
}
