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
