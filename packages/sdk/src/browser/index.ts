/**
 * @gatehouse/sdk/browser — the tiny browser half. It holds no secret and no token: the
 * login happens on your server (code exchange, tokens in your server session) and your
 * page talks only to your own backend routes. For an app with no server at all, use
 * `GatehousePublicClient` (a public client: PKCE, no secret, tokens in memory).
 */

export {
  GatehousePublicClient,
  PublicClientError,
  type PublicClientOptions,
  type PublicTokens,
} from './public-client.js';

/** What `/oauth/callback.html` reports to the page that opened the login popup. */
export interface PopupLoginMessage {
  type: 'gatehouse:login';
  ok: boolean;
  error?: string;
  error_description?: string;
}

const MESSAGE_TYPE = 'gatehouse:login';
const CHANNEL = 'gatehouse:login';

function isLoginMessage(data: unknown): data is PopupLoginMessage {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === MESSAGE_TYPE;
}

/** Full-page login: navigates to your backend's login route, which redirects to Gatehouse. */
export function startLogin(backendPath = '/auth/oauth/start'): void {
  window.location.assign(backendPath);
}

/** The popup login did not end in a login. `error` is an OAuth code (`access_denied`, ...) or `popup_blocked` / `popup_closed` / `timeout`. */
export class PopupLoginError extends Error {
  override name = 'PopupLoginError';

  constructor(
    readonly error: string,
    readonly errorDescription?: string,
  ) {
    super(errorDescription ? `${error}: ${errorDescription}` : error);
  }
}

export interface PopupLoginOptions {
  /** Your backend route that starts the login in popup mode, e.g. `/auth/oauth/start?popup=1`. */
  backendPath: string;
  /** Your app's exact origin; messages from any other origin are ignored. Default: this page's origin. */
  expectedOrigin?: string;
  width?: number;
  height?: number;
  /** Give up after this long. Default 10 minutes. */
  timeoutMs?: number;
}

/**
 * Login in a popup. Opens `backendPath` in a popup; your backend runs the usual
 * server-side login and, in popup mode, ends on `/oauth/callback.html?login=success`
 * (or `?error=...`), whose script calls `completePopupLogin()`. Resolves when that page
 * reports success; rejects with `PopupLoginError` otherwise.
 *
 * A message counts only if `event.origin === expectedOrigin` and `event.source` is the
 * popup. Where the provider's pages cut the opener link (`Cross-Origin-Opener-Policy`),
 * the result arrives on a same-origin `BroadcastChannel` instead.
 */
export function loginWithPopup(options: PopupLoginOptions): Promise<void> {
  const expectedOrigin = options.expectedOrigin ?? window.location.origin;
  const width = options.width ?? 480;
  const height = options.height ?? 680;
  const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - width) / 2));
  const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - height) / 2));
  const popup = window.open(
    options.backendPath,
    'gatehouse-login',
    `popup=yes,width=${width},height=${height},left=${left},top=${top}`,
  );
  if (!popup)
    return Promise.reject(new PopupLoginError('popup_blocked', 'the browser blocked the login popup'));
  popup.focus();

  return new Promise<void>((resolve, reject) => {
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined;
    const finish = (message: PopupLoginMessage | PopupLoginError) => {
      window.removeEventListener('message', onMessage);
      channel?.close();
      clearInterval(poll);
      clearTimeout(timer);
      if (message instanceof PopupLoginError) reject(message);
      else if (message.ok) resolve();
      else reject(new PopupLoginError(message.error ?? 'login_failed', message.error_description));
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== expectedOrigin || event.source !== popup || !isLoginMessage(event.data)) return;
      finish(event.data);
    };
    window.addEventListener('message', onMessage);
    if (channel) {
      channel.onmessage = (event: MessageEvent) => {
        // Same-origin by construction: only pages of this origin can post on this channel.
        if (isLoginMessage(event.data)) finish(event.data);
      };
    }
    // A closed popup hands focus back to this page. Requiring both tells "the user closed
    // it" apart from "the provider's COOP header cut the link" (then `closed` reads true
    // while the user is still typing in the popup). And on two polls in a row: the callback
    // page posts its result and then closes, and on a busy machine this page can run a poll
    // that sees it closed before it has handled that message.
    let closedAtLastPoll = false;
    const poll = setInterval(() => {
      const closed = popup.closed && document.hasFocus();
      if (closed && closedAtLastPoll) {
        finish(new PopupLoginError('popup_closed', 'the login popup was closed before the login finished'));
      }
      closedAtLastPoll = closed;
    }, 500);
    const timer = setTimeout(
      () => finish(new PopupLoginError('timeout', 'the login popup did not finish in time')),
      options.timeoutMs ?? 10 * 60 * 1000,
    );
  });
}

/**
 * For the script of your `/oauth/callback.html`: reports the result in this page's
 * query (`?login=success`, or `?error=...&error_description=...`) to the opener — with
 * this origin as the exact `targetOrigin` — and closes the popup. Opened without a
 * popup (a blocked popup's fallback), it continues to `fallbackPath` instead.
 */
export function completePopupLogin(fallbackPath = '/'): PopupLoginMessage {
  const query = new URLSearchParams(window.location.search);
  const error = query.get('error');
  const message: PopupLoginMessage =
    error !== null || query.get('login') !== 'success'
      ? {
          type: MESSAGE_TYPE,
          ok: false,
          error: error ?? 'login_failed',
          error_description: query.get('error_description') ?? undefined,
        }
      : { type: MESSAGE_TYPE, ok: true };
  const opener = window.opener as Window | null;
  if (opener && !opener.closed) opener.postMessage(message, window.location.origin);
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
    channel.close();
  }
  window.close();
  // Still open: not a script-opened popup. Go on in this window.
  setTimeout(() => window.location.replace(fallbackPath), 300);
  return message;
}

/** A non-2xx answer from your own backend. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    /** The parsed JSON body, or the text, or undefined. */
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiRequestInit {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type ApiFetch = <T = unknown>(path: string, init?: ApiRequestInit) => Promise<T>;

/**
 * A fetch for your own backend's proxy routes (same origin, cookies included, JSON in
 * and out). Throws `ApiError` with the status on any non-2xx, e.g. 401 when the user
 * has to log in again.
 */
export function createApiFetch(baseUrl = ''): ApiFetch {
  const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  return async <T>(path: string, init: ApiRequestInit = {}): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const method = init.method ?? (body === undefined ? 'GET' : 'POST');
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: init.signal,
    });
    const text = await response.text();
    let parsed: unknown = text === '' ? undefined : text;
    if (text !== '' && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text
      }
    }
    if (!response.ok) {
      const detail =
        typeof parsed === 'object' && parsed !== null
          ? ((parsed as { error_description?: unknown; message?: unknown; error?: unknown })
              .error_description ??
            (parsed as { message?: unknown }).message ??
            (parsed as { error?: unknown }).error)
          : undefined;
      throw new ApiError(
        response.status,
        parsed,
        `${method} ${path} failed with ${response.status}${typeof detail === 'string' ? `: ${detail}` : ''}`,
      );
    }
    return parsed as T;
  };
}
