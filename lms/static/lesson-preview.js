/* The lesson editor's live preview (templates/lms/learning/manage/lesson_form.html).
   Progressive enhancement: without this file the "Preview" button renders the same
   section. While typing pauses, the form is sent as that button sends it (nothing is
   saved) and the server's rendered, sanitised section replaces the one on the page. */
(function () {
  "use strict";

  var area = document.querySelector("textarea[data-lms-preview]");
  if (!area || !window.fetch || !window.DOMParser || !window.FormData) {
    return;
  }
  var form = area.form;
  var targetId = area.getAttribute("data-lms-preview");
  var button = form.querySelector("button[name=preview]");
  var timer = null;
  var sent = 0;

  function update() {
    var data = new FormData(form);
    data.set("preview", "1");
    var number = ++sent;
    fetch(button.getAttribute("formaction") || form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null || number !== sent) {
        return; // a form error (the button shows it) or an older answer
      }
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(targetId);
      var current = document.getElementById(targetId);
      if (!fresh) {
        return;
      }
      fresh = document.importNode(fresh, true);
      if (current) {
        current.replaceWith(fresh);
      } else {
        form.insertAdjacentElement("afterend", fresh);
      }
    }).catch(function () { /* offline: the button still works */ });
  }

  area.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 700);
  });
})();
