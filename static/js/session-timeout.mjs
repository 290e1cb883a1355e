// Warns before an idle session ends, with a button to stay signed in; then shows the "signed out" page.
// The server signs the session out on its own: this only tells the person in time.
const warning = document.querySelector('[data-module="app-timeout-warning"]');

if (warning) {
  const timeoutMs = Number(warning.dataset.timeoutSeconds) * 1000;
  const warnMs = Number(warning.dataset.warningSeconds) * 1000;
  const countdown = warning.querySelector('[data-countdown]');
  const stay = warning.querySelector('[data-keep-alive]');
  let lastActive = Date.now();
  let returnFocus = null;

  const minutesLeft = () => Math.max(1, Math.ceil((lastActive + timeoutMs - Date.now()) / 60000));

  const open = () => {
    if (!warning.hidden) return;
    returnFocus = document.activeElement;
    countdown.textContent = minutesLeft() === 1 ? '1 minute' : `${minutesLeft()} minutes`;
    warning.hidden = false;
    stay.focus();
  };

  const close = () => {
    warning.hidden = true;
    if (returnFocus) returnFocus.focus();
  };

  stay.addEventListener('click', async () => {
    const token = document.querySelector('input[name="csrfmiddlewaretoken"]');
    const answer = await fetch(warning.dataset.keepAliveUrl, {
      method: 'POST',
      headers: { 'X-CSRFToken': token ? token.value : '' },
      credentials: 'same-origin',
    });
    if (answer.ok) {
      lastActive = Date.now();
      close();
    } else {
      window.location.href = warning.dataset.endedUrl;
    }
  });

  setInterval(() => {
    const idle = Date.now() - lastActive;
    if (idle >= timeoutMs) {
      window.location.href = warning.dataset.endedUrl;
    } else if (idle >= timeoutMs - warnMs) {
      open();
    }
  }, 5000);
}
