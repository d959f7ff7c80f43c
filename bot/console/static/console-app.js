// The console opened as a Telegram Mini App (/app). Telegram puts its launch parameters in the
// page's fragment: tgWebAppData is the init data it signed for the user. It goes to /app/login,
// which checks the signature and opens a session. Nothing is loaded from Telegram's servers.
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const area = document.getElementById("mini-app");
  const status = document.getElementById("mini-app-status");
  const problem = document.getElementById("mini-app-problem");
  const launch = new URLSearchParams(window.location.hash.slice(1));
  const initData = launch.get("tgWebAppData") || "";
  // the signed data leaves the address bar: it is no one's business once it has been used
  if (window.location.hash) window.history.replaceState(null, "", window.location.pathname);
  const refuse = (sentence) => {
    status.hidden = true;
    problem.textContent = sentence;
    problem.hidden = false;
  };
  try {
    const answer = await fetch("/app/login", {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ init_data: initData }),
    });
    const body = await answer.json();
    if (answer.ok && body.go) {
      window.location.replace(body.go);
      return;
    }
    refuse(body.problem || area.dataset.offline);
  } catch (error) {
    refuse(area.dataset.offline);
  }
});
