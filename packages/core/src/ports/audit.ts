export interface AuditEvent {
  id: number;
  /** Dotted name, e.g. `login.failed`, `client.secret_rotated`, `refresh_token.reuse_detected`. */
  type: string;
  userId: number | null;
  /** Public client id, when the event concerns a client. */
  clientId: string | null;
  actor: string;
  ip: string | null;
  /** Never secrets. */
  data: Record<string, unknown>;
  createdAt: Date;
}

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'createdAt' | 'userId' | 'clientId' | 'ip' | 'data'> &
  Partial<Pick<AuditEvent, 'userId' | 'clientId' | 'ip' | 'data'>>;

export interface AuditQuery {
  userId?: number;
  clientId?: string;
  type?: string;
  limit: number;
}

export interface AuditStore {
  append(event: NewAuditEvent): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEvent[]>;
}
