// Live queues in the staff console (progressive enhancement: without this file the page shows the list at load).
// Listens to /console/queue/events (Server-Sent Events relayed from Routing's WatchCases with the page's own filter,
// from where the page's list ended); on a change it fetches the page again and swaps the list's region, keeping the
// focus where it was, and announces the update in the polite status region. No inline script: the CSP forbids it.
(function () {
  "use strict";

  var live = document.getElementById("queue-live");
  if (!live || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var url = new URL(live.getAttribute("data-events"), window.location.href);
  if (live.getAttribute("data-after")) {
    url.searchParams.set("after", live.getAttribute("data-after"));
  }
  var timer = null;
  var fetching = false;
  var again = false;
  var changed = [];

  function announce(message) {
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = message;
    }, 100);
  }

  function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    var references = changed.splice(0, changed.length);
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("queue-region");
        var region = document.getElementById("queue-region");
        if (!fresh || !region) {
          return;
        }
        var focused = document.activeElement && region.contains(document.activeElement) ? document.activeElement.id || null : null;
        var focusedLink = !focused && document.activeElement && region.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
        region.replaceWith(fresh);
        var target = focused ? document.getElementById(focused)
          : focusedLink ? fresh.querySelector('a[href="' + focusedLink.replace(/"/g, '\\"') + '"]') : null;
        if (target) {
          target.focus();
        }
        announce(live.getAttribute("data-updated").replace("{0}", references.join(", ")));
      })
      .catch(function () {
        // The next change tries again.
      })
      .then(function () {
        fetching = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  var source = new EventSource(url.toString());
  source.addEventListener("change", function (event) {
    try {
      var data = JSON.parse(event.data);
      if (data.reference && changed.indexOf(data.reference) < 0) {
        changed.push(data.reference);
      }
    } catch (e) {
      // A change without readable data still refreshes the list.
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  });
})();
