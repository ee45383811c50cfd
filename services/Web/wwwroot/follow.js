// Live updates on the follow page (progressive enhancement: without this file the page shows the state at load and a
// refresh link). Listens to /follow/events (Server-Sent Events relayed from Intake's WatchComplaint); on a change it
// fetches the page again, swaps the regions whose data-version changed, keeps focus where it was, and announces the
// change in the polite live region. Refused streams (too many open for this session, signed out) are retried later,
// each time after a longer pause. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";

  var live = document.getElementById("follow-live");
  if (!live || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var regions = ["follow-status", "follow-request", "follow-timeline", "follow-documents", "follow-messages", "follow-actions"];
  var after = live.getAttribute("data-after") || "";
  var source = null;
  var failures = 0;
  var pending = [];
  var timer = null;
  var fetching = false;
  var again = false;
  var stopped = false;
  // Regions with a form the reader has typed into or chosen files for: never replaced under their hands.
  var dirty = {};

  function markDirty(event) {
    var region = event.target.closest && event.target.closest(".follow-region");
    if (region && region.id) {
      dirty[region.id] = true;
    }
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);

  function announce(message) {
    if (!message) {
      return;
    }
    // Emptied first, so the same words twice are announced twice.
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = message;
    }, 100);
  }

  function showLive(on) {
    var note = document.querySelector(".follow-refresh span");
    if (!note) {
      return;
    }
    if (!note.hasAttribute("data-static-text")) {
      note.setAttribute("data-static-text", note.textContent);
    }
    note.textContent = on ? note.parentNode.getAttribute("data-live-text") : note.getAttribute("data-static-text");
  }

  function parse(data) {
    try {
      return JSON.parse(data) || {};
    } catch (e) {
      return {};
    }
  }

  function stop() {
    stopped = true;
    if (source) {
      source.close();
      source = null;
    }
    showLive(false);
  }

  function connect() {
    if (stopped) {
      return;
    }
    var url = live.getAttribute("data-events") + (after ? "?after=" + encodeURIComponent(after) : "");
    source = new EventSource(url);
    source.addEventListener("open", function () {
      failures = 0;
      showLive(true);
    });
    source.addEventListener("change", function (event) {
      if (event.lastEventId) {
        after = event.lastEventId;
      }
      pending.push(parse(event.data).message);
      if (!timer) {
        // Changes that come together are fetched once.
        timer = window.setTimeout(update, 300);
      }
    });
    source.addEventListener("expired", function (event) {
      stop();
      announce(parse(event.data).message);
    });
    source.addEventListener("error", function () {
      if (source && source.readyState === EventSource.CLOSED) {
        // Refused (429: this session has too many streams open; 401: signed out) or failed: back off, 5 s doubling to 5 min.
        source.close();
        source = null;
        showLive(false);
        var delay = Math.min(300000, 5000 * Math.pow(2, failures));
        failures += 1;
        window.setTimeout(connect, delay / 2 + Math.random() * delay / 2);
      }
    });
  }

  function focusAfterSwap(old, replacement, focused) {
    var target = null;
    if (focused.id) {
      target = document.getElementById(focused.id);
    }
    if (!target && focused.getAttribute("href")) {
      var links = replacement.querySelectorAll("a[href]");
      for (var i = 0; i < links.length && !target; i++) {
        if (links[i].getAttribute("href") === focused.getAttribute("href")) {
          target = links[i];
        }
      }
    }
    if (!target) {
      target = replacement.querySelector("h2") || replacement;
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
  }

  function swap(page) {
    regions.forEach(function (id) {
      var current = document.getElementById(id);
      var next = page.getElementById(id);
      if (!current || !next || current.getAttribute("data-version") === next.getAttribute("data-version") || dirty[id]) {
        return;
      }
      var replacement = document.importNode(next, true);
      var opened = current.querySelectorAll("details[open]").length > 0;
      if (opened) {
        var details = replacement.querySelector("details");
        if (details) {
          details.open = true;
        }
      }
      var focused = document.activeElement;
      var hadFocus = focused && focused !== document.body && current.contains(focused);
      current.replaceWith(replacement);
      if (hadFocus) {
        focusAfterSwap(current, replacement, focused);
      }
    });
  }

  function update() {
    timer = null;
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    var messages = pending;
    pending = [];
    fetch("/follow", { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        if (!page.getElementById("follow-live")) {
          // The page now asks for the tracking code (signed out elsewhere, or the session ended).
          stop();
          return;
        }
        swap(page);
      })
      .catch(function () {
        // The announcement still says what changed; the refresh link shows it.
      })
      .then(function () {
        announce(messages.filter(Boolean).join(" "));
        fetching = false;
        if (again) {
          again = false;
          update();
        }
      });
  }

  connect();
})();
