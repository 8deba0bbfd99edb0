// The simulator page: phones update in place and forms post without reloading the page.
// Only each card's status line, messages and call buttons are ever replaced, never a text
// form, so whatever is being typed stays as it is (a call button that had the focus gets it
// back). Works without this script too.
(function () {
  "use strict";
  var root = document.getElementById("simulator");
  if (!root || !window.fetch || !window.FormData) {
    return;
  }
  var url = root.getAttribute("data-phones-url");
  var seconds = parseInt(root.getAttribute("data-poll-seconds"), 10) || 2;
  var list = document.getElementById("phones");
  var notice = document.getElementById("notice");
  var busy = false;

  function fromHtml(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    return holder.firstElementChild;
  }

  function inUse(card) {
    var typed = card.querySelector("textarea");
    return card.contains(document.activeElement) || (typed && typed.value !== "");
  }

  function update(card, part) {
    if (card.getAttribute("data-version") !== String(part.version)) {
      var box = card.querySelector(".messages");
      var atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
      box.innerHTML = part.messages;
      if (atEnd) {
        box.scrollTop = box.scrollHeight;
      }
      var call = card.querySelector(".call");
      var focused = call.contains(document.activeElement) ? document.activeElement.value : null;
      call.innerHTML = part.call;
      call.classList.toggle("ringing", part.call.indexOf("call-state ringing") !== -1);
      if (focused !== null) {
        var again = call.querySelector('button[value="' + focused + '"]') || call.querySelector("button");
        if (again) {
          again.focus();
        }
      }
      card.setAttribute("data-version", String(part.version));
    }
    var status = card.querySelector(".status");
    if (status.innerHTML !== part.status) {
      status.innerHTML = part.status;
      card.classList.toggle("on-call", part.status.indexOf('class="oncall"') !== -1);
    }
  }

  function apply(data) {
    var wanted = {};
    var previous = null;
    data.cards.forEach(function (part) {
      wanted[part.key] = true;
      var card = document.getElementById(part.key);
      if (!card) {
        card = fromHtml(part.card);
        list.insertBefore(card, previous ? previous.nextElementSibling : list.firstElementChild);
      } else {
        update(card, part);
      }
      previous = card;
    });
    Array.prototype.slice.call(list.querySelectorAll("article.phone")).forEach(function (card) {
      if (!wanted[card.id] && !inUse(card)) {
        card.remove();
      }
    });
  }

  function refresh() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.ok && !response.redirected ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          apply(data);
        }
      })
      .catch(function () {
        // Offline for a moment: keep what is shown and try again next time.
      })
      .then(function () {
        busy = false;
      });
  }

  function say(text) {
    notice.textContent = "";
    var line = document.createElement("p");
    line.textContent = text;
    notice.appendChild(line);
  }

  function post(event) {
    var form = event.target.closest("form[data-async]");
    if (!form) {
      return;
    }
    event.preventDefault();
    var body = new FormData(form);
    if (event.submitter && event.submitter.name) {
      body.append(event.submitter.name, event.submitter.value);
    }
    var typed = form.querySelector("textarea");
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          say(answer.notice);
          if (answer.ok && typed && typed.value === body.get("body")) {
            typed.value = "";
          }
        });
      })
      .catch(function () {
        say(root.getAttribute("data-offline") || "Not sent: the service did not answer.");
      })
      .then(refresh);
  }

  document.addEventListener("submit", post);
  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
