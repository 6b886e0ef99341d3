// The session timeout warning (the GOV.UK / HMRC "timeout warning" pattern).
// Progressive enhancement only: without it, the first page after the timeout is the sign-in
// page, which says why. Loaded on staff pages for a signed-in user by
// accounts/includes/session_timeout.html; a module runs once however often it is included.
const config = document.querySelector("script[data-hk-timeout]");

if (config && typeof HTMLDialogElement === "function") {
  const settings = config.dataset;
  const warningSeconds = Number(settings.warning) || 120;
  // A second or two late rather than early: the server decides, the page only follows.
  const SLACK_MS = 1500;
  let deadline = Date.now() + Number(settings.secondsLeft) * 1000 + SLACK_MS;
  let warnTimer = null;
  let tickTimer = null;
  let lastAnnounced = null;
  const ANNOUNCE_AT = [60, 30, 10];
  let returnFocusTo = null;

  const signInWithNext = () => {
    const next = window.location.pathname + window.location.search;
    window.location.assign(`${settings.signInUrl}?next=${encodeURIComponent(next)}`);
  };

  const minutesAndSeconds = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const dialog = document.createElement("dialog");
  dialog.className = "hk-timeout-dialog";
  dialog.setAttribute("aria-labelledby", "hk-timeout-heading");
  dialog.setAttribute("aria-describedby", "hk-timeout-message");
  Object.assign(dialog.style, {
    maxWidth: "32rem",
    width: "calc(100% - 2rem)",
    padding: "30px",
    border: "5px solid #0b0c0c",
    background: "#ffffff",
    color: "#0b0c0c",
  });
  dialog.innerHTML = `
    <h2 class="govuk-heading-m" id="hk-timeout-heading">You’re about to be signed out</h2>
    <p class="govuk-body" id="hk-timeout-message">For your security, we will sign you out in
      <strong class="hk-timeout-count"></strong>.</p>
    <p class="govuk-visually-hidden" aria-live="polite" aria-atomic="true" id="hk-timeout-status"></p>
    <div class="govuk-button-group govuk-!-margin-bottom-0">
      <button type="button" class="govuk-button govuk-!-margin-bottom-0" data-hk-stay>Stay signed in</button>
      <button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-hk-sign-out>Sign out</button>
    </div>`;
  document.body.appendChild(dialog);
  const count = dialog.querySelector(".hk-timeout-count");
  const status = dialog.querySelector("#hk-timeout-status");

  const secondsLeft = () => Math.max(0, Math.ceil((deadline - SLACK_MS - Date.now()) / 1000));

  const keepAlive = async (method) => {
    const response = await fetch(settings.keepAliveUrl, {
      method,
      credentials: "same-origin",
      headers: method === "POST" ? { "X-CSRFToken": settings.csrfToken } : {},
    });
    if (!response.ok) return 0;
    const body = await response.json();
    return Number(body.seconds_left) || 0;
  };

  const tick = () => {
    const left = secondsLeft();
    if (Date.now() >= deadline) {
      clearInterval(tickTimer);
      signInWithNext();
      return;
    }
    count.textContent = minutesAndSeconds(left);
    // Screen readers hear the time left at a few moments, not every second.
    if (ANNOUNCE_AT.includes(left) && left !== lastAnnounced) {
      lastAnnounced = left;
      status.textContent = `You will be signed out in ${minutesAndSeconds(left)}.`;
    }
  };

  const schedule = () => {
    clearTimeout(warnTimer);
    const wait = Math.max(0, deadline - SLACK_MS - warningSeconds * 1000 - Date.now());
    warnTimer = setTimeout(warn, wait);
  };

  const close = () => {
    clearInterval(tickTimer);
    if (dialog.open) dialog.close();
    if (returnFocusTo && document.contains(returnFocusTo)) returnFocusTo.focus();
  };

  async function warn() {
    // Another tab may have kept the session alive meanwhile: ask before warning.
    let left;
    try {
      left = await keepAlive("GET");
    } catch {
      left = secondsLeft();
    }
    if (left <= 0) {
      signInWithNext();
      return;
    }
    deadline = Date.now() + left * 1000 + SLACK_MS;
    if (left > warningSeconds + 5) {
      schedule();
      return;
    }
    returnFocusTo = document.activeElement;
    lastAnnounced = null;
    tick();
    dialog.showModal();
    tickTimer = setInterval(tick, 1000);
  }

  const stay = async () => {
    let left = 0;
    try {
      left = await keepAlive("POST");
    } catch {
      left = 0;
    }
    if (left <= 0) {
      signInWithNext();
      return;
    }
    deadline = Date.now() + left * 1000 + SLACK_MS;
    close();
    schedule();
  };

  const signOut = () => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = settings.signOutUrl;
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = settings.csrfToken;
    form.appendChild(token);
    document.body.appendChild(form);
    form.submit();
  };

  dialog.querySelector("[data-hk-stay]").addEventListener("click", stay);
  dialog.querySelector("[data-hk-sign-out]").addEventListener("click", signOut);
  // Escape means "stay signed in", as in the GOV.UK pattern.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  schedule();
}
