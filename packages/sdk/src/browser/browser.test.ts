import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  completePopupLogin,
  createApiFetch,
  loginWithPopup,
  PopupLoginError,
  startLogin,
} from './index.js';

const ORIGIN = 'https://app.example.com';

/** Just enough of a browser window for the helper: open, message events, location. */
function fakeWindow() {
  const listeners = new Set<(event: MessageEvent) => void>();
  const popup = { closed: false, focus: vi.fn() };
  const win = {
    location: { origin: ORIGIN, search: '', assign: vi.fn(), replace: vi.fn() },
    screenX: 0,
    screenY: 0,
    outerWidth: 1200,
    outerHeight: 900,
    opener: null as unknown,
    open: vi.fn((): unknown => popup),
    close: vi.fn(),
    addEventListener: (type: string, listener: (event: MessageEvent) => void) => {
      if (type === 'message') listeners.add(listener);
    },
    removeEventListener: (type: string, listener: (event: MessageEvent) => void) => {
      if (type === 'message') listeners.delete(listener);
    },
    dispatch(data: unknown, origin: string, source: unknown) {
      for (const listener of [...listeners]) listener({ data, origin, source } as unknown as MessageEvent);
    },
    listenerCount: () => listeners.size,
  };
  return { win, popup };
}

describe('browser helper', () => {
  let fake: ReturnType<typeof fakeWindow>;
  let focused: boolean;

  beforeEach(() => {
    vi.useFakeTimers();
    fake = fakeWindow();
    focused = false;
    vi.stubGlobal('window', fake.win);
    vi.stubGlobal('document', { hasFocus: () => focused });
    vi.stubGlobal('BroadcastChannel', undefined);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('startLogin navigates to the backend route', () => {
    startLogin();
    expect(fake.win.location.assign).toHaveBeenCalledWith('/auth/oauth/start');
    startLogin('/login/gatehouse');
    expect(fake.win.location.assign).toHaveBeenLastCalledWith('/login/gatehouse');
  });

  describe('loginWithPopup', () => {
    it('resolves on the popup’s message from the expected origin, ignoring everything else', async () => {
      let settled = false;
      const login = loginWithPopup({
        backendPath: '/auth/oauth/start?popup=1',
        expectedOrigin: ORIGIN,
      }).finally(() => {
        settled = true;
      });
      expect(fake.win.open).toHaveBeenCalledWith(
        '/auth/oauth/start?popup=1',
        'gatehouse-login',
        expect.any(String),
      );
      const success = { type: 'gatehouse:login', ok: true };
      fake.win.dispatch(success, 'https://evil.example.com', fake.popup); // wrong origin
      fake.win.dispatch(success, ORIGIN, {}); // not our popup
      fake.win.dispatch({ type: 'other' }, ORIGIN, fake.popup); // not a login message
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      fake.win.dispatch(success, ORIGIN, fake.popup);
      await expect(login).resolves.toBeUndefined();
      expect(fake.win.listenerCount()).toBe(0);
    });

    it('rejects with the OAuth error the popup reports', async () => {
      const login = loginWithPopup({ backendPath: '/start', expectedOrigin: ORIGIN });
      fake.win.dispatch(
        { type: 'gatehouse:login', ok: false, error: 'access_denied', error_description: 'denied' },
        ORIGIN,
        fake.popup,
      );
      const error = await login.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PopupLoginError);
      expect(error).toMatchObject({ error: 'access_denied', errorDescription: 'denied' });
    });

    it('rejects when the popup is blocked', async () => {
      fake.win.open.mockReturnValueOnce(null);
      await expect(loginWithPopup({ backendPath: '/start' })).rejects.toMatchObject({
        error: 'popup_blocked',
      });
    });

    it('rejects when the user closes the popup (it reads closed and this page has focus again)', async () => {
      const login = loginWithPopup({ backendPath: '/start' });
      const outcome = login.catch((e: unknown) => e);
      fake.popup.closed = true; // e.g. the provider's COOP cut the link: the user is still in the popup
      await vi.advanceTimersByTimeAsync(2000);
      focused = true;
      await vi.advanceTimersByTimeAsync(1100);
      expect(await outcome).toMatchObject({ error: 'popup_closed' });
    });

    it('a result posted just before the popup closed still counts when a poll sees it closed first', async () => {
      const login = loginWithPopup({ backendPath: '/start', expectedOrigin: ORIGIN });
      await vi.advanceTimersByTimeAsync(400);
      // The callback page posted and closed; this page runs its poll before the message.
      fake.popup.closed = true;
      focused = true;
      await vi.advanceTimersByTimeAsync(100);
      fake.win.dispatch({ type: 'gatehouse:login', ok: true }, ORIGIN, fake.popup);
      await expect(login).resolves.toBeUndefined();
    });
  });

  describe('completePopupLogin', () => {
    it('posts the result to the opener with this exact origin as targetOrigin, then closes', () => {
      const opener = { closed: false, postMessage: vi.fn() };
      fake.win.opener = opener;
      fake.win.location.search = '?login=success';
      expect(completePopupLogin()).toEqual({ type: 'gatehouse:login', ok: true });
      expect(opener.postMessage).toHaveBeenCalledWith({ type: 'gatehouse:login', ok: true }, ORIGIN);
      expect(fake.win.close).toHaveBeenCalled();
    });

    it('reports errors, and continues in this window when there is no opener', () => {
      fake.win.location.search = '?error=access_denied&error_description=no%20thanks';
      expect(completePopupLogin('/?from=popup')).toMatchObject({
        ok: false,
        error: 'access_denied',
        error_description: 'no thanks',
      });
      vi.advanceTimersByTime(1000);
      expect(fake.win.location.replace).toHaveBeenCalledWith('/?from=popup');
    });
  });

  describe('createApiFetch', () => {
    it('calls the app’s own routes with same-origin credentials and JSON', async () => {
      const fetchMock = vi.fn(
        async (_url: string, _init: RequestInit) =>
          new Response(JSON.stringify({ ok: true }), { headers: { 'content-type': 'application/json' } }),
      );
      vi.stubGlobal('fetch', fetchMock);
      const api = createApiFetch('/api/');
      await expect(api('/user/info')).resolves.toEqual({ ok: true });
      expect(fetchMock).toHaveBeenCalledWith(
        '/api/user/info',
        expect.objectContaining({ method: 'GET', credentials: 'same-origin' }),
      );
      await api('/balance/refresh', { json: { force: true } });
      const [, init] = fetchMock.mock.calls[1]!;
      expect(init).toMatchObject({ method: 'POST', body: '{"force":true}' });
      expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
    });

    it('throws ApiError with the status on non-2xx', async () => {
      vi.stubGlobal(
        'fetch',
        vi.fn(
          async () =>
            new Response(JSON.stringify({ error: 'login_required', error_description: 'Please log in' }), {
              status: 401,
              headers: { 'content-type': 'application/json' },
            }),
        ),
      );
      const error = await createApiFetch()('/api/user/info').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 401, body: { error: 'login_required' } });
      expect((error as Error).message).toContain('Please log in');
    });
  });
});
