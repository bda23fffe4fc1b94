import { randomBytes } from 'node:crypto';
import type { TokenSet, TokenStore } from '@gatehouse/sdk';

/** A login started here and not finished yet: what the callback checks against. */
export interface PendingLogin {
  state: string;
  codeVerifier: string;
  /** With openid: the nonce the ID token must carry (checked by the SDK). */
  nonce?: string;
  redirectUri: string;
  /** Started by the popup variant: the callback ends on /oauth/callback.html. */
  popup: boolean;
  startedAt: number;
}

/** The app's own server-side session. The browser holds only its id, in a signed HttpOnly cookie. */
export interface AppSession {
  id: string;
  pending?: PendingLogin;
  /** Gatehouse tokens: they never leave the server. */
  tokens?: TokenSet;
  expiresAt: number;
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;

/**
 * Sessions in this process's memory (a real app would use Redis or its database: the
 * `tokenStore` below is the only part the SDK sees). Idle sessions expire after 12 hours.
 */
export class SessionStore {
  private readonly sessions = new Map<string, AppSession>();

  create(): AppSession {
    const session: AppSession = {
      id: randomBytes(32).toString('base64url'),
      expiresAt: Date.now() + SESSION_TTL_MS,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): AppSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (Date.now() >= session.expiresAt) {
      this.sessions.delete(id);
      return undefined;
    }
    session.expiresAt = Date.now() + SESSION_TTL_MS;
    return session;
  }

  /** A new id for the same session (after login: no session fixation). */
  rotate(session: AppSession): AppSession {
    this.sessions.delete(session.id);
    const next: AppSession = { ...session, id: randomBytes(32).toString('base64url') };
    this.sessions.set(next.id, next);
    return next;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) if (now >= session.expiresAt) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The SDK's view of these sessions: tokens by session id. */
  readonly tokenStore: TokenStore = {
    get: (id) => this.sessions.get(id)?.tokens ?? null,
    set: (id, tokens) => {
      const session = this.sessions.get(id);
      if (session) session.tokens = tokens; // a session logged out meanwhile stays logged out
    },
    delete: (id) => {
      const session = this.sessions.get(id);
      if (session) delete session.tokens;
    },
  };
}
