// Passkey ceremonies for Gatehouse's passkey pages (served from our origin; CSP script-src 'self').
// The page carries the server's options in data-options; the result goes back in a normal form post.
(() => {
  const lib = window.SimpleWebAuthnBrowser;

  function run(event) {
    const button = event.currentTarget;
    const form = document.getElementById(button.getAttribute('data-form'));
    const status = document.getElementById(button.getAttribute('data-status'));
    const optionsJSON = JSON.parse(button.getAttribute('data-options'));
    button.disabled = true;
    status.textContent = 'Waiting for your passkey…';
    const ceremony =
      button.getAttribute('data-passkey') === 'register'
        ? lib.startRegistration({ optionsJSON })
        : lib.startAuthentication({ optionsJSON });
    ceremony.then(
      (result) => {
        form.elements.response.value = JSON.stringify(result);
        form.submit();
      },
      () => {
        button.disabled = false;
        status.textContent = 'The passkey was not used. Try again.';
      },
    );
  }

  for (const button of document.querySelectorAll('button[data-passkey]')) {
    button.hidden = false;
    button.addEventListener('click', run);
  }
})();
