// Refresh the Now board in place every few seconds; the page works without this script.
(function () {
  "use strict";
  var board = document.querySelector("[data-refresh-url]");
  if (!board || !window.fetch) {
    return;
  }
  var url = board.getAttribute("data-refresh-url");
  var seconds = parseInt(board.getAttribute("data-refresh-seconds"), 10) || 10;

  function refresh() {
    if (document.hidden) {
      return;
    }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || response.status === 401 || response.status === 403) {
          window.location.reload(); // signed out: show the sign-in page
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (typeof html === "string") {
          board.innerHTML = html;
        }
      })
      .catch(function () {
        // Offline for a moment: keep what is shown and try again next time.
      });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
