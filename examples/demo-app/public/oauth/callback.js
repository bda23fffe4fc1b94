// The popup's last page. The server has already exchanged the code and kept the tokens;
// this only tells the opening page how it went (postMessage to window.opener with this
// app's exact origin as targetOrigin), then closes the popup. Opened as a normal page,
// it continues to the app instead.
import { completePopupLogin } from '/sdk/index.js';

const error = new URLSearchParams(window.location.search).get('error');
const result = completePopupLogin(error ? `/?error=${encodeURIComponent(error)}` : '/');
document.getElementById('status').textContent = result.ok
  ? 'Logged in. You can close this window.'
  : 'The login did not finish. You can close this window.';
