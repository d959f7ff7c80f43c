// The console's only script: a part of a page that refreshes itself (Today: an SOS shows within
// seconds, without a reload). Pages work without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const area of document.querySelectorAll("[data-refresh]")) {
    const url = area.dataset.refresh;
    const every = Math.max(2, Number(area.dataset.every || 5)) * 1000;
    const refresh = async () => {
      try {
        const answer = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (answer.redirected || !answer.ok) {
          if (answer.status === 401 || answer.redirected) window.location.assign("/login");
          return;
        }
        area.innerHTML = await answer.text();
      } catch (error) {
        // offline for a moment: the next look tries again
      }
    };
    window.setInterval(refresh, every);
  }
});

// The broadcast form counts its audience as filters are ticked; a "send" button goes only once.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-count]");
  const shown = document.getElementById("audience-count");
  if (form && shown) {
    const names = new Set(["status", "priority", "city", "passport", "tag", "lang", "more_tags"]);
    let pending = 0;
    const recount = async () => {
      const asked = ++pending;
      const query = new URLSearchParams();
      for (const [name, value] of new FormData(form)) {
        if (names.has(name)) query.append(name, String(value));
      }
      try {
        const answer = await fetch(`${form.dataset.count}?${query}`, { credentials: "same-origin" });
        if (!answer.ok || asked !== pending) return;
        const counted = await answer.json();
        const line = document.createElement("strong");
        line.textContent = counted.line;
        const held = document.createElement("span");
        held.textContent = counted.held;
        shown.replaceChildren(line, document.createElement("br"), held);
      } catch (error) {
        // offline for a moment: the preview counts again anyway
      }
    };
    form.addEventListener("change", recount);
  }
  for (const button of document.querySelectorAll("button[data-once]")) {
    button.form.addEventListener("submit", (event) => {
      if (event.submitter === button) window.setTimeout(() => { button.disabled = true; }, 0);
    });
  }
});
