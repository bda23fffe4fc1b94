/** An app's webhook endpoint; the secret as stored (encrypted, SEC-95). */
export interface WebhookEndpoint {
  clientId: number;
  url: string;
  encryptedSecret: string;
}

export type WebhookEventStatus = 'pending' | 'succeeded' | 'failed';

/** An outbox row: written in the transaction of the change it reports. */
export interface WebhookEvent {
  id: string;
  clientId: number;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
  status: WebhookEventStatus;
  attempts: number;
  lastResponseCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}

export interface DeliveryAttempt {
  eventId: string;
  succeeded: boolean;
  /** Whether no further try will follow (the last allowed one failed). */
  final: boolean;
  responseCode: number | null;
  error: string | null;
  at: Date;
}

export interface WebhookStore {
  getEndpoint(clientId: number): Promise<WebhookEndpoint | null>;
  /** Sets (or, with null, removes) the app's endpoint. */
  setEndpoint(clientId: number, endpoint: { url: string; encryptedSecret: string } | null): Promise<void>;
  /** An event outside any other change (e.g. a test event). */
  record(event: {
    id: string;
    clientId: number;
    type: string;
    data: Record<string, unknown>;
    createdAt: Date;
  }): Promise<void>;
  /** Oldest events no delivery job holds yet. */
  undispatched(limit: number): Promise<WebhookEvent[]>;
  markDispatched(ids: string[], at: Date): Promise<void>;
  get(eventId: string): Promise<WebhookEvent | null>;
  recordAttempt(attempt: DeliveryAttempt): Promise<void>;
  /** Newest first. */
  list(clientId: number, limit: number): Promise<WebhookEvent[]>;
  /**
   * Events still `pending` (neither delivered nor given up): how many — counted up to
   * BACKLOG_COUNT_CAP, so a scrape stays cheap however large the backlog — and when the
   * oldest was created (null when none). Read by the metrics scrape.
   */
  backlog(): Promise<{ count: number; oldestCreatedAt: Date | null }>;
  /**
   * Resend: the app's event goes back to `pending` and undispatched, so the dispatcher hands
   * it to a new delivery job (same event id, so the same `webhook-id`). Attempts so far are
   * kept. Null when the app has no event with this id.
   */
  requeue(clientId: number, eventId: string): Promise<WebhookEvent | null>;
}
