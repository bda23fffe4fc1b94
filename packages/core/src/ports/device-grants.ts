/** What a device authorization request asked for (RFC 8628 §3.1); fixed once made. */
export interface DeviceAuthorizationData {
  /** Internal client id. */
  clientId: number;
  clientPublicId: string;
  scopes: string[];
  /** The user code (normalised, without the dash), for the page that shows it. */
  userCode: string;
  /** Unix milliseconds after which polling answers `expired_token`. */
  expiresAt: number;
}

/** What the user decided on the /device page. */
export interface DeviceApproval {
  userId: number;
  scopes: string[];
  /** Unix seconds of the sign-in behind the approval. */
  authTime: number;
  /** The token family the device gets. */
  familyId: string;
}

export type DeviceDecision = { status: 'approved'; approval: DeviceApproval } | { status: 'denied' };

/** One poll of the token endpoint, decided atomically by the store. */
export type DevicePoll =
  | { kind: 'not_found' }
  /** Polled sooner than `interval` after the last poll: the interval has grown by 5 s (RFC 8628 §3.5). */
  | { kind: 'slow_down'; data: DeviceAuthorizationData; interval: number }
  | { kind: 'pending'; data: DeviceAuthorizationData }
  | { kind: 'denied'; data: DeviceAuthorizationData }
  /** The first poll after approval: the device code is spent from now on. */
  | { kind: 'approved'; data: DeviceAuthorizationData; approval: DeviceApproval }
  /** Already redeemed once. */
  | { kind: 'redeemed'; data: DeviceAuthorizationData };

/** Short-lived device authorizations (RFC 8628), keyed by the SHA-256 of the device code. */
export interface DeviceGrantStore {
  /**
   * Stores a new pending authorization reachable by its user code; false (and nothing stored)
   * when the user code is already in use.
   */
  create(
    deviceCodeHash: string,
    data: DeviceAuthorizationData,
    interval: number,
    ttlSeconds: number,
  ): Promise<boolean>;
  /** The authorization a user code names, while it lives. */
  findByUserCode(
    userCode: string,
  ): Promise<{ deviceCodeHash: string; data: DeviceAuthorizationData; status: string } | null>;
  /** Atomic: pending → approved or denied; false when it was no longer pending (or is gone). */
  decide(deviceCodeHash: string, decision: DeviceDecision): Promise<boolean>;
  /** Atomic: records the poll at `nowMs` and answers what the device may be told. */
  poll(deviceCodeHash: string, nowMs: number): Promise<DevicePoll>;
}
