// The submit journey's enhancements, each optional: the form and the confirmation work without this file.
// - the form: fields shown only when they apply, the subcategory list filtered by the category, the browser's time
//   zone preselected, the files checked before sending, upload progress (the same multipart post, sent with
//   XMLHttpRequest), and one send per click (the server is idempotent anyway);
// - the confirmation: copy the reference and tracking code, print the page.
// No inline script or style anywhere (the CSP forbids them): behaviour hangs off data-* attributes.
(function () {
  "use strict";

  function valueOf(form, name) {
    var element = form.elements.namedItem(name);
    if (!element) {
      return "";
    }
    if (typeof RadioNodeList !== "undefined" && element instanceof RadioNodeList) {
      return element.value;
    }
    if (element.type === "checkbox") {
      return element.checked ? element.value : "";
    }
    return element.value;
  }

  // data-show-when="name=value" / data-hide-when="name=value": parts that apply only to some answers.
  function applyConditions(form) {
    form.querySelectorAll("[data-show-when], [data-hide-when]").forEach(function (node) {
      var show = node.hasAttribute("data-show-when");
      var condition = node.getAttribute(show ? "data-show-when" : "data-hide-when").split("=");
      var matches = valueOf(form, condition[0]) === condition[1];
      node.hidden = show ? !matches : matches;
    });
  }

  function filterSubcategories(form) {
    var category = form.querySelector("select[data-category]");
    var subcategory = form.querySelector("select[data-subcategory]");
    if (!category || !subcategory) {
      return;
    }
    var groups = Array.prototype.map.call(subcategory.querySelectorAll("optgroup"), function (group) {
      return group.cloneNode(true);
    });
    function apply() {
      var chosen = subcategory.value;
      subcategory.querySelectorAll("optgroup").forEach(function (group) {
        group.remove();
      });
      groups.forEach(function (group) {
        if (!category.value || group.getAttribute("data-category") === category.value) {
          subcategory.appendChild(group.cloneNode(true));
        }
      });
      subcategory.value = chosen;
      if (subcategory.value !== chosen) {
        subcategory.value = "";
      }
    }
    category.addEventListener("change", apply);
    apply();
  }

  function preselectTimeZone(form) {
    var select = form.querySelector("select[data-time-zone='browser']");
    if (!select || !window.Intl || !Intl.DateTimeFormat) {
      return;
    }
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && Array.prototype.some.call(select.options, function (option) { return option.value === zone; })) {
      select.value = zone;
    }
  }

  function format(template, value) {
    return (template || "").replace("{0}", value);
  }

  // The files' count and sizes, checked before a byte is sent; null when they are fine.
  function fileProblem(form, input) {
    if (!input || !input.files) {
      return null;
    }
    var max = parseInt(form.getAttribute("data-max-files"), 10);
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (input.files.length > max) {
      return form.getAttribute("data-error-too-many");
    }
    for (var i = 0; i < input.files.length; i++) {
      if (input.files[i].size > maxBytes) {
        return form.getAttribute("data-error-too-large");
      }
    }
    return null;
  }

  function showFileProblem(input, message) {
    var error = document.getElementById("f-attachments-error");
    if (!input || !error) {
      return;
    }
    error.textContent = message || "";
    error.hidden = !message;
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== "f-attachments-error";
    });
    if (message) {
      described.push("f-attachments-error");
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    input.setAttribute("aria-describedby", described.join(" "));
  }

  // The server's answer to a refused post is the page again with the errors: show it in place.
  function showPage(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var main = page.querySelector("main");
    var current = document.querySelector("main");
    if (!main || !current) {
      return false;
    }
    document.title = page.title;
    current.replaceWith(document.importNode(main, true));
    init(document);
    var target = document.querySelector("main [autofocus]") || document.querySelector("main .error-summary") || document.querySelector("main");
    if (target) {
      if (!target.hasAttribute("tabindex") && target.matches(".error-summary")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
    return true;
  }

  function enhanceForm(form) {
    applyConditions(form);
    form.addEventListener("change", function () {
      applyConditions(form);
    });
    filterSubcategories(form);
    preselectTimeZone(form);

    var button = form.querySelector("button[type='submit']");
    var files = form.querySelector("input[type='file']");
    var progressBox = form.querySelector("[data-progress]");
    var progress = form.querySelector("progress");
    var status = document.getElementById("upload-status");
    var sending = false;

    function reset() {
      sending = false;
      if (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      }
      if (progressBox) {
        progressBox.hidden = true;
      }
    }

    if (files) {
      files.addEventListener("change", function () {
        showFileProblem(files, fileProblem(form, files));
      });
    }

    // Coming back to this page from the browser's history: ready to send again (the server shows the same complaint).
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        reset();
        if (status) {
          status.textContent = "";
        }
      }
    });

    form.addEventListener("submit", function (event) {
      if (sending) {
        event.preventDefault();
        return;
      }
      var problem = fileProblem(form, files);
      if (problem) {
        event.preventDefault();
        showFileProblem(files, problem);
        files.focus();
        return;
      }
      if (!window.XMLHttpRequest || !window.FormData) {
        sending = true;
        return;
      }
      event.preventDefault();
      sending = true;
      if (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      }
      if (progressBox) {
        progressBox.hidden = false;
      }
      var lastAnnounced = -1;
      var request = new XMLHttpRequest();
      request.open("POST", form.getAttribute("action"));
      request.upload.addEventListener("progress", function (progressEvent) {
        if (!progressEvent.lengthComputable) {
          return;
        }
        var percent = Math.floor((progressEvent.loaded * 100) / progressEvent.total);
        if (progress) {
          progress.value = percent;
        }
        // Announced in steps of ten, not at every event.
        var step = Math.floor(percent / 10) * 10;
        if (status && step !== lastAnnounced) {
          lastAnnounced = step;
          status.textContent = format(form.getAttribute("data-sending"), step);
        }
      });
      request.addEventListener("load", function () {
        var landed = request.responseURL ? new URL(request.responseURL, window.location.href) : null;
        if (request.status >= 200 && request.status < 300 && landed && landed.pathname !== window.location.pathname) {
          if (status) {
            status.textContent = form.getAttribute("data-sent");
          }
          window.location.assign(landed.href);
          return;
        }
        if (!showPage(request.responseText)) {
          reset();
          if (status) {
            status.textContent = form.getAttribute("data-failed");
          }
        }
      });
      function failed() {
        reset();
        if (status) {
          status.textContent = form.getAttribute("data-failed");
        }
      }
      request.addEventListener("error", failed);
      request.addEventListener("abort", failed);
      request.send(new FormData(form));
    });
  }

  function enhanceConfirmation(root) {
    var status = root.querySelector("[data-copy-status]");
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      var source = document.querySelector(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent).then(function () {
          if (status) {
            status.textContent = status.getAttribute("data-copied");
          }
        }, function () {
          if (status) {
            status.textContent = status.getAttribute("data-copy-failed");
          }
        });
      });
    });
    root.querySelectorAll("[data-print]").forEach(function (button) {
      if (typeof window.print !== "function") {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  function init(root) {
    var form = root.querySelector("form[data-submit-form]");
    if (form) {
      enhanceForm(form);
    }
    enhanceConfirmation(root);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
})();
