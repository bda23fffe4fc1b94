import { InvalidScopeError } from '../errors.js';

/** Every scope the provider knows, in canonical order, with the words the consent page shows. */
export const SCOPES = {
  openid: 'Sign you in with your account (your account number)',
  profile: 'See your username, email address and when you joined',
  email: 'See your email address',
  balance: 'See your account balance and spending',
  charge: 'Spend from your balance, up to the limit you set',
} as const;

export type Scope = keyof typeof SCOPES;

export const KNOWN_SCOPES = Object.keys(SCOPES) as Scope[];

/** Scopes only an administrator allows a client (`charges_enabled`), never registration. */
export const ADMIN_ALLOWED_SCOPES: readonly Scope[] = ['charge'];

/** What every newly registered client may ask for. */
export const REGISTERED_CLIENT_SCOPES: readonly Scope[] = KNOWN_SCOPES.filter(
  (scope) => !ADMIN_ALLOWED_SCOPES.includes(scope),
);

/**
 * OpenID Connect's identity scopes: every client may ask for them, whatever its allowed
 * scopes (clients registered before they existed included). They release nothing the user
 * does not see on the consent page, and nothing beyond what `profile` already does.
 */
export const IDENTITY_SCOPES: readonly Scope[] = ['openid', 'email'];

/** What a client gets when it asks for nothing (API.md §1). */
export const DEFAULT_SCOPES: readonly Scope[] = ['profile'];

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

/** Canonical order, no duplicates: the stored and the wire form agree. */
export function normalizeScopes(scopes: Iterable<string>): string[] {
  const set = new Set(scopes);
  const known = KNOWN_SCOPES.filter((s) => set.has(s));
  const unknown = [...set].filter((s) => !(s in SCOPES)).sort();
  return [...known, ...unknown];
}

export function formatScope(scopes: readonly string[]): string {
  return normalizeScopes(scopes).join(' ');
}

/** Splits a space-delimited `scope` parameter. Rejects empty tokens from doubled spaces and illegal characters. */
export function parseScope(raw: string | undefined): string[] {
  if (raw === undefined || raw === '') return [];
  const parts = raw.split(' ');
  for (const part of parts) {
    if (!SCOPE_TOKEN.test(part))
      throw new InvalidScopeError('scope must be scope tokens separated by single spaces');
  }
  return normalizeScopes(parts);
}

/**
 * The scopes an authorization request asks for: each known and allowed for the
 * client; nothing asked → the default scope (if the client may have it).
 */
export function resolveRequestedScopes(raw: string | undefined, allowed: readonly string[]): string[] {
  const requested = parseScope(raw);
  if (requested.length === 0) {
    const fallback = DEFAULT_SCOPES.filter((s) => allowed.includes(s));
    if (fallback.length === 0)
      throw new InvalidScopeError('no scope requested and the client has no default scope');
    return [...fallback];
  }
  for (const scope of requested) {
    if (!(scope in SCOPES)) throw new InvalidScopeError(`unknown scope "${scope}"`);
    if (!allowed.includes(scope) && !(IDENTITY_SCOPES as readonly string[]).includes(scope))
      throw new InvalidScopeError(`the client may not request scope "${scope}"`);
  }
  return requested;
}

/** True when `granted` includes every scope in `requested`. */
export function coversScopes(granted: readonly string[], requested: readonly string[]): boolean {
  return requested.every((s) => granted.includes(s));
}

/** A refresh may keep or narrow its scopes, never widen them (RFC 6749 §6). */
export function narrowScopes(raw: string | undefined, granted: readonly string[]): string[] {
  const requested = parseScope(raw);
  if (requested.length === 0) return normalizeScopes(granted);
  if (!coversScopes(granted, requested)) {
    throw new InvalidScopeError('the requested scope exceeds the scope originally granted');
  }
  return requested;
}
