import { randomId, type Stores } from '@gatehouse/core';

/** How long a form remembers that it was submitted. */
const REMEMBER_SECONDS = 3600;
const NONCE = /^[A-Za-z0-9_-]{22}$/;

/**
 * A random id put in forms whose response shows a one-time secret. The secret cannot be
 * stored for a redirect-then-show page (nothing that grants access is kept in plain text),
 * so the POST renders it directly — and a reload would resubmit. The id lets the server
 * recognise the resubmission and refuse to act twice.
 */
export function formNonce(): string {
  return randomId();
}

/**
 * True the first time this user submits this form id (an atomic claim, so two racing
 * submissions cannot both pass). A missing or malformed id is treated as a first submission.
 */
export function firstSubmission(stores: Stores, userId: number, nonce: unknown): Promise<boolean> {
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) return Promise.resolve(true);
  return stores.cache.stamps.claim(`form-once:${userId}:${nonce}`, 'submitted', REMEMBER_SECONDS);
}

/** The one-time form id of a posted form (`form_id`), for `firstSubmission`. */
export function formIdOf(body: unknown): string | undefined {
  const value = (body as Record<string, unknown> | null)?.form_id;
  return typeof value === 'string' ? value : undefined;
}
