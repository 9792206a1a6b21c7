/* The attempt page (templates/lms/learning/attempt.html), improved: the page works
   without this file (Save and Submit post the form).
   - Autosave: a change is saved through the API (PUT …/answers, with the session's CSRF
     token) a moment after it is made, and every 30 s while something is unsaved; the
     polite status says "Saved at 10:42". Leaving the page sends what is unsaved.
   - Two tabs: when the server says the attempt changed elsewhere ("stale"), the person
     is told, and the answers saved there are loaded into the form.
   - Time limit: the remaining time is shown from the server's deadline (corrected for
     the device's clock) and announced only at 10, 5 and 1 minutes left and when the
     time is up, never every second; then the page is reloaded, and the server, which
     has submitted the attempt with the answers saved by then, shows the review. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-lms-attempt]");
  if (!form || !window.fetch) {
    return;
  }
  var saveUrl = form.getAttribute("data-save-url");
  var zone = form.getAttribute("data-zone") || undefined;
  var lang = document.documentElement.lang || "nb";
  var status = document.querySelector("[data-save-status]");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var revision = form.querySelector("input[name=revision]");
  var dirty = false;
  var saving = false;
  var again = false;
  var timer = null;
  var waitingSubmit = null;
  var spent = {};
  var focusSlot = null;
  var focusSince = 0;

  function text(name) {
    return form.getAttribute("data-text-" + name) || "";
  }

  function say(region, message) {
    if (!region) {
      return;
    }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  function clock(date) {
    return new Intl.DateTimeFormat(lang, {
      hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zone
    }).format(date);
  }

  /* Each question's answer, read from its fieldset as the server's form reader does. */
  function responseOf(box) {
    var kind = box.getAttribute("data-kind");
    var name = box.getAttribute("data-name");
    var fields = box.querySelectorAll("[name^='" + name + "']");
    if (kind === "multiple") {
      var chosen = [];
      box.querySelectorAll("input[type=checkbox]:checked").forEach(function (input) {
        chosen.push(input.value);
      });
      return chosen.length ? chosen : null;
    }
    if (kind === "matching") {
      var pairs = {};
      var any = false;
      box.querySelectorAll("select").forEach(function (select) {
        if (select.value) {
          pairs[select.getAttribute("data-pair")] = select.value;
          any = true;
        }
      });
      return any ? pairs : null;
    }
    if (kind === "single" || kind === "truefalse" || kind === "likert") {
      var picked = box.querySelector("input[type=radio]:checked");
      if (!picked) {
        return null;
      }
      if (kind === "truefalse") {
        return picked.value === "true";
      }
      return kind === "likert" ? parseInt(picked.value, 10) : picked.value;
    }
    var value = fields.length ? fields[0].value.trim() : "";
    return value === "" ? null : value;
  }

  function answers() {
    var all = {};
    form.querySelectorAll("fieldset[data-slot]").forEach(function (box) {
      all[box.getAttribute("data-slot")] = responseOf(box);
    });
    return all;
  }

  function noteFocus(slot) {
    var now = Date.now();
    if (focusSlot !== null) {
      spent[focusSlot] = (spent[focusSlot] || 0) + (now - focusSince) / 1000;
    }
    focusSlot = slot;
    focusSince = now;
  }

  function takeSeconds() {
    noteFocus(focusSlot);
    var seconds = {};
    Object.keys(spent).forEach(function (slot) {
      var whole = Math.round(spent[slot]);
      if (whole > 0) {
        seconds[slot] = whole;
      }
    });
    spent = {};
    return seconds;
  }

  function body() {
    return JSON.stringify({
      revision: parseInt(revision.value, 10),
      answers: answers(),
      seconds: takeSeconds()
    });
  }

  function request(method, payload, keepalive) {
    return fetch(saveUrl, {
      method: method,
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrf
      },
      body: payload
    });
  }

  /* The answers saved elsewhere, read from a fresh copy of this very page. */
  function reloadAnswers() {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected || !response.ok) {
          window.location.reload();
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshForm = fresh.querySelector("form[data-lms-attempt]");
        if (!freshForm) {
          window.location.reload();
          return;
        }
        form.querySelectorAll("input, select, textarea").forEach(function (field) {
          if (!field.name || field.name === "csrf_token") {
            return;
          }
          var selector = "[name='" + field.name + "']";
          if (field.type === "radio" || field.type === "checkbox") {
            var twin = freshForm.querySelector(selector + "[value='" + field.value + "']");
            field.checked = !!(twin && twin.hasAttribute("checked"));
          } else if (field.tagName === "SELECT") {
            var option = freshForm.querySelector(selector + " option[selected]");
            field.value = option ? option.value : "";
          } else if (field.type !== "submit") {
            var copy = freshForm.querySelector(selector);
            if (copy) {
              field.value = field.tagName === "TEXTAREA" ? copy.textContent : copy.value;
            }
          }
        });
      });
  }

  function save(keepalive) {
    if (saving) {
      again = true;
      return;
    }
    if (!dirty) {
      return;
    }
    saving = true;
    dirty = false;
    request("PUT", body(), keepalive)
      .then(function (response) {
        return response.json().then(function (data) {
          return { status: response.status, data: data || {} };
        }, function () {
          return { status: response.status, data: {} };
        });
      })
      .then(function (result) {
        var error = result.data.error;
        if (result.status < 300) {
          if (result.data.revision !== undefined) {
            revision.value = result.data.revision;
          }
          var at = result.data.saved_at ? new Date(result.data.saved_at) : new Date();
          say(status, text("saved").replace("%(time)s", clock(at)));
        } else if (error && error.code === "stale") {
          say(status, text("stale"));
          return reloadAnswers();
        } else if (error && (error.code === "time_up" || error.code === "submitted")) {
          window.location.reload();
        } else {
          dirty = true;
          say(status, text("failed"));
        }
      }, function () {
        dirty = true;
        say(status, text("offline"));
      })
      .then(function () {
        saving = false;
        if (waitingSubmit) {
          var submitter = waitingSubmit === true ? undefined : waitingSubmit;
          waitingSubmit = null;
          again = false;
          form.requestSubmit(submitter);
          return;
        }
        if (again) {
          again = false;
          save();
        }
      });
  }

  function changed(delay) {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  form.addEventListener("change", function () { changed(500); });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text") {
      changed(2000);
    }
  });
  form.addEventListener("focusin", function (event) {
    var box = event.target.closest("fieldset[data-slot]");
    noteFocus(box ? box.getAttribute("data-slot") : null);
  });
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (saving) {
      // A save is on its way: send the form once it is back, with the revision it
      // returns (sent now, the form would be refused as stale).
      event.preventDefault();
      waitingSubmit = event.submitter || true;
      return;
    }
    dirty = false; // the form itself carries the answers now
  });
  window.setInterval(save, 30000);
  window.addEventListener("pagehide", function () { save(true); });

  /* The time left, shown every second, announced only at a few moments. */
  var countdown = document.querySelector("[data-deadline]");
  if (!countdown) {
    return;
  }
  var deadline = Date.parse(countdown.getAttribute("data-deadline"));
  var skew = Date.parse(countdown.getAttribute("data-server-now")) - Date.now();
  var shown = countdown.querySelector("[data-time-left]");
  var alert = document.querySelector("[data-time-alert]");
  var moments = [10, 5, 1];
  var announced = {};
  moments.forEach(function (minutes) {
    // A moment already past when the page opened is not announced late.
    if (deadline - (Date.now() + skew) < minutes * 60000) {
      announced[minutes] = true;
    }
  });

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function tick() {
    var left = Math.max(0, deadline - (Date.now() + skew));
    var total = Math.ceil(left / 1000);
    var hours = Math.floor(total / 3600);
    var rest = total - hours * 3600;
    shown.textContent = (hours ? hours + ":" : "") + two(Math.floor(rest / 60)) + ":" + two(rest % 60);
    moments.forEach(function (minutes) {
      if (!announced[minutes] && left <= minutes * 60000) {
        announced[minutes] = true;
        var key = minutes === 1 ? "minute-left" : "minutes-left";
        say(alert, text(key).replace("%(num)s", minutes));
      }
    });
    if (left <= 0) {
      window.clearInterval(ticking);
      say(alert, text("time-up"));
      dirty = true;
      save();
      window.setTimeout(function () { window.location.reload(); }, 3000);
    }
  }

  countdown.hidden = false;
  var ticking = window.setInterval(tick, 1000);
  tick();
})();
