// A vote that could not be sent (a dropped connection, a server error) is sent again until the service answers, so
// the member sees whether it was counted. The service keeps one vote per member, so sending it again never adds one.
const RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000];

function retryOnFailure(event) {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-vote-form]")) return;
  const area = form.closest("#vote-area");
  const notice = area && area.querySelector("[data-vote-retry]");
  const attempt = Number(form.dataset.attempt || 0);
  if (notice) notice.hidden = false;
  if (attempt >= RETRY_DELAYS.length) return;
  form.dataset.attempt = String(attempt + 1);
  window.setTimeout(() => window.htmx.trigger(form, "submit"), RETRY_DELAYS[attempt]);
}

function retryable(event) {
  // 409: voting closed, 400: something to fix; both are answers to show, not failures to retry.
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  return status === 0 || status >= 500;
}

document.addEventListener("htmx:sendError", retryOnFailure);
document.addEventListener("htmx:responseError", (event) => {
  if (retryable(event)) retryOnFailure(event);
});
// htmx leaves 4xx responses out by default: a refused vote (closed, or a choice to make) is shown as the answer.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 400 || status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
