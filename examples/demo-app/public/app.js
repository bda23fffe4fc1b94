// The demo page. It holds no token and no secret: every call goes to this app's own
// server (same origin, session cookie), which calls Gatehouse on the user's behalf.
import { ApiError, createApiFetch, loginWithPopup, startLogin } from '/sdk/index.js';

const api = createApiFetch();
const $ = (id) => document.getElementById(id);

const MESSAGES = {
  access_denied: 'You declined the login. No problem — nothing was shared with this app.',
  login_required: 'Please log in again.',
  state_mismatch: 'That login link had expired or came from another tab. Please try again.',
  issuer_mismatch: 'The login response did not come from the expected Gatehouse server.',
  provider_unavailable: 'Gatehouse is not reachable right now. Is it running on the configured URL?',
  popup_closed: 'The login window was closed before the login finished.',
  timeout: 'The login window took too long. Please try again.',
  consent_required: 'Gatehouse needs your approval for this app. Please try again.',
  temporarily_unavailable: 'Gatehouse is busy right now. Please try again in a moment.',
};

function showNotice(text, kind = 'info') {
  $('notice-text').textContent = text;
  $('notice').className = `notice ${kind}`;
  $('notice').hidden = false;
}

function hideNotice() {
  $('notice').hidden = true;
}

function show(view) {
  for (const id of ['loading', 'signed-out', 'signed-in']) $(id).hidden = id !== view;
}

function setBusy(button, busy) {
  button.disabled = busy;
  button.classList.toggle('busy', busy);
}

function renderBalance(balance) {
  $('balance-amount').textContent = balance.amount;
  $('balance-currency').textContent = balance.currency;
  const asOf = new Date(balance.as_of ?? balance.asOf);
  $('balance-updated').textContent = `Updated ${asOf.toLocaleTimeString()}`;
}

function renderUser(info) {
  const name = info.username ?? `user ${info.id}`;
  $('username').textContent = name;
  $('email').textContent = info.email ?? '';
  $('avatar').textContent = name.slice(0, 1).toUpperCase();
  if (info.balance) renderBalance(info.balance);
  renderPurchases(info);
  show('signed-in');
  loadWebhooks();
}

/** With `charge` granted, userinfo carries `allowance` (null only when none was set). */
function renderPurchases(info) {
  const enabled = info.allowance !== undefined;
  $('enable-purchases').hidden = enabled;
  $('buy-premium').hidden = !enabled;
  renderAllowance(enabled ? info.allowance : undefined);
}

function renderAllowance(allowance) {
  $('premium-allowance').hidden = !allowance;
  if (allowance) {
    const period = allowance.period === 'total' ? 'in total' : `this ${allowance.period}`;
    $('premium-allowance').textContent =
      `Spending limit: ${allowance.remaining.amount} of ${allowance.limit.amount} ${allowance.currency} left ${period}.`;
  }
}

function renderWebhooks(events) {
  const list = $('webhook-log');
  list.replaceChildren(
    ...events.map((event) => {
      const item = document.createElement('li');
      item.dataset.type = event.type;
      item.dataset.id = event.id;
      const type = document.createElement('code');
      type.textContent = event.type;
      const detail = document.createElement('span');
      detail.className = 'muted small';
      const times = event.deliveries > 1 ? ` · received ${event.deliveries} times` : '';
      detail.textContent = ` ${event.summary ?? event.id} · ${new Date(event.receivedAt).toLocaleTimeString()}${times}`;
      item.append(type, detail);
      return item;
    }),
  );
  $('webhook-empty').hidden = events.length > 0;
}

async function loadWebhooks() {
  try {
    renderWebhooks((await api('/api/webhooks')).events);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) handleError(error);
  }
}

function showPurchaseResult(text, kind) {
  $('purchase-result').textContent = text;
  $('purchase-result').className = `purchase-result ${kind}`;
  $('purchase-result').hidden = false;
}

/** 401 from our server means "not logged in (any more)": show the login view. */
function handleError(error) {
  if (error instanceof ApiError && error.status === 401) {
    show('signed-out');
    return;
  }
  showNotice(
    error instanceof ApiError && error.status === 502 ? MESSAGES.provider_unavailable : String(error.message),
    'error',
  );
}

async function loadUser() {
  try {
    renderUser(await api('/api/user/info'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) show('signed-out');
    else {
      show('signed-out');
      handleError(error);
    }
  }
}

function readReturnParameters() {
  const params = new URLSearchParams(window.location.search);
  const error = params.get('error');
  if (error) showNotice(MESSAGES[error] ?? `The login did not finish (${error}).`, 'error');
  else if (params.get('topup') === 'success') {
    showNotice('Welcome back! Your balance below is fresh from Gatehouse.', 'success');
  }
  if (params.size > 0) window.history.replaceState(null, '', window.location.pathname);
}

$('login').addEventListener('click', () => {
  setBusy($('login'), true);
  startLogin('/auth/oauth/start');
});

$('login-popup').addEventListener('click', async () => {
  hideNotice();
  try {
    await loginWithPopup({
      backendPath: '/auth/oauth/start?popup=1',
      expectedOrigin: window.location.origin,
    });
    await loadUser();
  } catch (error) {
    if (error.error === 'popup_blocked') startLogin('/auth/oauth/start');
    else
      showNotice(
        MESSAGES[error.error] ?? `The login did not finish (${error.error ?? error.message}).`,
        'error',
      );
  }
});

$('refresh-balance').addEventListener('click', async () => {
  setBusy($('refresh-balance'), true);
  try {
    const { balance } = await api('/api/balance/refresh', { method: 'POST' });
    renderBalance(balance);
  } catch (error) {
    handleError(error);
  } finally {
    setBusy($('refresh-balance'), false);
  }
});

$('topup').addEventListener('click', async () => {
  setBusy($('topup'), true);
  try {
    const { topup_url } = await api('/api/topup');
    window.location.assign(topup_url);
  } catch (error) {
    handleError(error);
    setBusy($('topup'), false);
  }
});

$('enable-purchases').addEventListener('click', () => {
  setBusy($('enable-purchases'), true);
  startLogin('/auth/oauth/start?purchases=1');
});

$('buy-premium').addEventListener('click', async () => {
  setBusy($('buy-premium'), true);
  $('purchase-topup').hidden = true;
  $('purchase-result').hidden = true;
  try {
    const { charge, balance, allowance } = await api('/api/purchase', { method: 'POST' });
    if (balance) renderBalance(balance);
    if (allowance) renderAllowance(allowance);
    showPurchaseResult(
      `Premium feature unlocked: ${charge.captured_amount} ${charge.currency} paid from your balance.`,
      'success',
    );
  } catch (error) {
    const body = error instanceof ApiError ? error.body : undefined;
    if (body?.error === 'insufficient_balance') {
      showPurchaseResult(body.error_description, 'error');
      if (body.topup_url) {
        $('purchase-topup').href = body.topup_url;
        $('purchase-topup').hidden = false;
      }
    } else if (body?.error === 'allowance_exceeded' || body?.error === 'purchases_not_enabled') {
      showPurchaseResult(body.error_description, 'error');
    } else handleError(error);
  } finally {
    setBusy($('buy-premium'), false);
  }
});

$('refresh-webhooks').addEventListener('click', async () => {
  setBusy($('refresh-webhooks'), true);
  await loadWebhooks();
  setBusy($('refresh-webhooks'), false);
});

$('logout').addEventListener('click', async () => {
  setBusy($('logout'), true);
  try {
    await api('/auth/logout', { method: 'POST' });
    show('signed-out');
    showNotice('You are logged out.', 'info');
  } catch (error) {
    handleError(error);
  } finally {
    setBusy($('logout'), false);
  }
});

$('notice-close').addEventListener('click', hideNotice);

readReturnParameters();
loadUser();
