// Refresh the Now board in place every few seconds; the page works without this script.
// Keyboard focus stays on the same link across a refresh, and new requests are announced
// through the page's live region (#board-news).
(function () {
  "use strict";
  var board = document.querySelector("[data-refresh-url]");
  if (!board || !window.fetch) {
    return;
  }
  var url = board.getAttribute("data-refresh-url");
  var seconds = parseInt(board.getAttribute("data-refresh-seconds"), 10) || 10;
  var news = document.getElementById("board-news");

  function codes() {
    var found = {};
    board.querySelectorAll("[data-code]").forEach(function (card) {
      found[card.getAttribute("data-code")] = card.getAttribute("data-agency") || "";
    });
    return found;
  }

  // What identifies the focused element across a refresh: its id, else its link and text.
  function focusKey() {
    var active = document.activeElement;
    if (!active || active === document.body || !board.contains(active)) {
      return null;
    }
    return { id: active.id, href: active.getAttribute("href"), text: active.textContent };
  }

  function restore(key) {
    if (!key) {
      return;
    }
    var match = key.id ? document.getElementById(key.id) : null;
    if (!match) {
      board.querySelectorAll("a, button, [tabindex]").forEach(function (candidate) {
        if (!match && candidate.getAttribute("href") === key.href &&
            candidate.textContent === key.text) {
          match = candidate;
        }
      });
    }
    if (match) {
      match.focus({ preventScroll: true });
    }
  }

  function announce(before) {
    if (!news) {
      return;
    }
    var after = codes();
    var added = Object.keys(after).filter(function (code) { return !(code in before); });
    if (added.length) {
      news.textContent = added.map(function (code) {
        return "New request " + code + (after[code] ? " from " + after[code] : "") + ".";
      }).join(" ");
    }
  }

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
          var key = focusKey();
          var before = codes();
          board.innerHTML = html;
          restore(key);
          announce(before);
        }
      })
      .catch(function () {
        // Offline for a moment: keep what is shown and try again next time.
      });
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
