// Drag and drop in the builder's grid, as a shortcut for the move form (WCAG 2.5.7: every
// item's "Move" link does the same without dragging). Dropping an item on a cell fills
// the page's hidden move form (room, day, start; the end keeps the item's length) and
// submits it to the item's own move address, so the server checks it exactly as a typed
// move. Without this script nothing is lost.
(function () {
  "use strict";

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function later(start, minutes) {
    var parts = start.split(":");
    var total = Number(parts[0]) * 60 + Number(parts[1]) + minutes;
    return pad(Math.floor(total / 60) % 24) + ":" + pad(total % 60);
  }

  function setUp() {
    var form = document.getElementById("lms-grid-move");
    if (!form) {
      return;
    }
    var dragged = null;
    document.querySelectorAll(".lms-grid-item[data-move-url]").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.id);
      });
      item.addEventListener("dragend", function () {
        dragged = null;
      });
    });
    document.querySelectorAll(".lms-grid__cell[data-room]").forEach(function (cell) {
      cell.addEventListener("dragover", function (event) {
        if (dragged) {
          event.preventDefault();
          cell.classList.add("lms-grid__cell--target");
        }
      });
      cell.addEventListener("dragleave", function () {
        cell.classList.remove("lms-grid__cell--target");
      });
      cell.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!dragged) {
          return;
        }
        var start = cell.getAttribute("data-start");
        form.action = dragged.getAttribute("data-move-url");
        form.elements.room_id.value = cell.getAttribute("data-room");
        form.elements.day.value = cell.getAttribute("data-day");
        form.elements.start.value = start;
        form.elements.end.value = later(start, Number(dragged.getAttribute("data-minutes")));
        form.submit();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
