import { type CallbackParams, exchangeCallback, type SavedAuthorizationRequest } from './callback.js';
import type { ClientCore } from './core.js';
import { GatehouseError, OAuthResponseError, SignInRequiredError } from './errors.js';
import { expectJson } from './http.js';
import type { TokenStore } from './store.js';
import type { TokenSet } from './tokens.js';

/** `GET /api/oauth2/userinfo` (API.md §4). Fields outside the granted scopes are absent. */
export interface Userinfo {
  sub: string;
  id: number;
  /** `profile` scope. */
  username?: string;
  email?: string;
  /** Unix seconds. */
  created_time?: number;
  /** 1 = active. */
  status?: number;
  /** `balance` scope: remaining balance in quota units. */
  quota?: number;
  used_quota?: number;
  /** E.g. `"750.00"`. */
  balance_formatted?: string;
  balance?: { amount: string; currency: string; quota: number; as_of: number };
}

/** The user's balance, read fresh from Gatehouse. */
export interface Balance {
  /** Decimal string with two places, e.g. `"750.00"` (never a float). */
  amount: string;
  /** ISO 4217, e.g. `"USD"`. */
  currency: string;
  /** Remaining balance in integer quota units. */
  quota: number;
  usedQuota: number | undefined;
  /** When Gatehouse read the balance (ms since the epoch). */
  asOf: number;
  /** Ready to show: `"750.00 USD"`. */
  formatted: string;
}

/**
 * One user's tokens (the entry `key` of `store`) with everything an app calls:
 * refreshes 5 minutes before expiry, one refresh at a time per token set, refresh and
 * retry once on a 401, and `SignInRequiredError` (tokens cleared) when the user has to
 * log in again. Cheap to create: make one per request.
 */
export class GatehouseSession {
  /** @internal Use `client.session(store, key)`. */
  constructor(
    private readonly core: ClientCore,
    readonly store: TokenStore,
    readonly key: string,
  ) {}

  /** The stored tokens as they are (possibly expired), or null. */
  async tokens(): Promise<TokenSet | null> {
    if (this.key === '') return null;
    return (await this.store.get(this.key)) ?? null;
  }

  /** Stores the token set from `handleCallback` (replacing any previous one). */
  async save(tokens: TokenSet): Promise<void> {
    if (this.key === '') throw new GatehouseError('session: cannot save tokens under an empty key');
    await this.store.set(this.key, tokens);
  }

  /**
   * `client.handleCallback(params, saved)`, then `save()`: completes the login on your
   * callback route and keeps the tokens under this session's key.
   */
  async handleCallback(
    params: CallbackParams | unknown,
    saved: SavedAuthorizationRequest | null | undefined,
  ): Promise<TokenSet> {
    const tokens = await exchangeCallback(this.core, params, saved);
    await this.save(tokens);
    return tokens;
  }

  /** True when tokens are stored (they may still turn out to be revoked). */
  async isLoggedIn(): Promise<boolean> {
    return (await this.tokens()) !== null;
  }

  /** A usable access token, refreshed first when it expires within the refresh window. */
  async accessToken(): Promise<string> {
    return (await this.validTokens()).accessToken;
  }

  /** Refreshes now (joining a refresh already in flight for this session). */
  async refresh(): Promise<TokenSet> {
    return this.refreshFrom(await this.current());
  }

  /**
   * A request to a Gatehouse resource endpoint (absolute, or a path relative to the
   * issuer) with the access token; on a 401 it refreshes and retries exactly once.
   * A request body must be re-sendable (a string, URLSearchParams, ...), not a stream.
   */
  async fetch(input: string, init: RequestInit = {}): Promise<Response> {
    const url = await this.core.resourceUrl(input);
    const tokens = await this.validTokens();
    const response = await this.core.bearerRequest(url, tokens.accessToken, init);
    if (response.status !== 401) return response;
    await response.body?.cancel();
    const refreshed = await this.refreshFrom(tokens);
    return this.core.bearerRequest(url, refreshed.accessToken, init);
  }

  /** `GET /api/oauth2/userinfo`: profile fields with `profile`, balance fields with `balance`. */
  async userinfo(): Promise<Userinfo> {
    const response = await this.fetch(await this.core.endpoint('userinfo'));
    return (await expectJson(response)) as Userinfo;
  }

  /** The balance (needs the `balance` scope), read fresh. */
  async balance(): Promise<Balance> {
    const info = await this.userinfo();
    if (!info.balance) {
      throw new OAuthResponseError('insufficient_scope', 'this login was not granted the balance scope', 403);
    }
    const { amount, currency, quota, as_of } = info.balance;
    return {
      amount,
      currency,
      quota,
      usedQuota: info.used_quota,
      asOf: as_of,
      formatted: `${amount} ${currency}`,
    };
  }

  /**
   * A link to Gatehouse's top-up page for this user (`GET /api/oauth2/topup`). With
   * `returnUri` (on the origin of one of your registered redirect URIs) the page offers
   * the way back to your app afterwards.
   */
  async topupUrl(returnUri?: string): Promise<string> {
    const url = new URL(await this.core.endpoint('topup'));
    if (returnUri !== undefined) url.searchParams.set('return_uri', returnUri);
    const body = await expectJson(await this.fetch(url.href));
    const topupUrl = (body as { topup_url?: unknown }).topup_url;
    if (typeof topupUrl !== 'string')
      throw new GatehouseError('Gatehouse answered the top-up call without topup_url');
    return topupUrl;
  }

  /**
   * Logs out: clears the stored tokens, then revokes the refresh token at Gatehouse
   * (which revokes its access tokens too). The tokens are cleared even when the
   * revocation request fails; the error is still thrown so you can log it. Resolves
   * to whether there were tokens to revoke.
   */
  async revoke(): Promise<boolean> {
    // Let a refresh in flight land first, so that the token revoked is the current one.
    await this.core
      .flightsOf(this.store)
      .get(this.key)
      ?.catch(() => undefined);
    const tokens = await this.tokens();
    if (!tokens) return false;
    await this.store.delete(this.key);
    if (tokens.refreshToken) await this.core.revoke(tokens.refreshToken, 'refresh_token');
    else await this.core.revoke(tokens.accessToken, 'access_token');
    return true;
  }

  /** Forgets the tokens locally without telling Gatehouse. Prefer `revoke()` for logout. */
  async clear(): Promise<void> {
    await this.store.delete(this.key);
  }

  private async current(): Promise<TokenSet> {
    const tokens = await this.tokens();
    if (!tokens) throw new SignInRequiredError('no_tokens');
    return tokens;
  }

  private async validTokens(): Promise<TokenSet> {
    const tokens = await this.current();
    const now = Date.now();
    if (now < tokens.expiresAt - this.core.refreshBeforeExpiryMs) return tokens;
    const stillValid = now < tokens.expiresAt;
    if (stillValid && !canRefresh(tokens, now)) return tokens;
    try {
      return await this.refreshFrom(tokens);
    } catch (error) {
      // Refreshing ahead of expiry failed for a passing reason (network, 5xx): the
      // access token still works for a few minutes, and the next call tries again.
      if (stillValid && !(error instanceof SignInRequiredError)) return tokens;
      throw error;
    }
  }

  /**
   * Single flight: while a refresh runs for this store and key, every caller awaits
   * that same refresh. `stale` is the token set the caller found wanting; if the store
   * holds a newer one by the time the refresh starts, that one is used instead, so a
   * refresh token is never presented twice.
   */
  private refreshFrom(stale: TokenSet): Promise<TokenSet> {
    const flights = this.core.flightsOf(this.store);
    const inFlight = flights.get(this.key);
    if (inFlight) return inFlight;
    const run = () => this.runRefresh(stale);
    const flight = (this.store.lock ? this.store.lock(this.key, run) : run()).finally(() => {
      if (flights.get(this.key) === flight) flights.delete(this.key);
    });
    flights.set(this.key, flight);
    return flight;
  }

  private async runRefresh(stale: TokenSet): Promise<TokenSet> {
    const latest = await this.store.get(this.key);
    if (!latest) throw new SignInRequiredError('no_tokens');
    if (latest.accessToken !== stale.accessToken) return latest;
    if (!canRefresh(latest, Date.now())) {
      await this.store.delete(this.key);
      throw new SignInRequiredError('refresh_token_expired');
    }
    let next: TokenSet;
    try {
      next = await this.core.tokenRequest(
        { grant_type: 'refresh_token', refresh_token: latest.refreshToken! },
        latest,
      );
    } catch (error) {
      if (error instanceof OAuthResponseError && error.error === 'invalid_grant') {
        await this.store.delete(this.key);
        throw new SignInRequiredError('refresh_rejected', { cause: error });
      }
      throw error;
    }
    await this.store.set(this.key, next);
    return next;
  }
}

function canRefresh(tokens: TokenSet, now: number): boolean {
  if (!tokens.refreshToken) return false;
  return tokens.refreshTokenExpiresAt === undefined || now < tokens.refreshTokenExpiresAt;
}
