/* Progressive enhancement only: every page works without this file (and the CSP allows
   no inline script, so this file is the LMS's only script).
   - Copy buttons (templates/lms/_copy.html): copy the field's value, say so in the live
     region beside the button.
   - Menus (<details data-lms-menu>, templates/lms/_header.html and _nav.html): Escape
     closes the open one and puts focus back on its button; a click outside closes it. */
(function () {
  "use strict";

  function say(status, text) {
    // Emptied first, so the same words are announced again on a second press.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copyByHand(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var box = button.closest("[data-lms-copy]");
    var status = box && box.querySelector("[data-copy-status]");
    if (!field || !status) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var copied = button.getAttribute("data-copied");
      var failed = button.getAttribute("data-failed");
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { say(status, copied); },
          function () { say(status, copyByHand(field) ? copied : failed); }
        );
      } else {
        say(status, copyByHand(field) ? copied : failed);
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelectorAll("details[data-lms-menu][open]");
    if (!open.length) {
      return;
    }
    var menu = open[open.length - 1]; // the innermost: submenus come after their menu
    menu.open = false;
    menu.querySelector("summary").focus();
  });

  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-lms-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
})();
