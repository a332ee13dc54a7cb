/* Merge pages (sync from upstream, accepting a proposal): quick choices for each conflict.
 *
 * Each conflict shows its base, ours and theirs, and a text box whose text replaces the conflict when
 * the form is saved. Without JavaScript the person edits the box by hand; with it, three buttons fill
 * the box with ours, theirs, or both one after the other. Nothing is saved until the form is sent.
 */
(function () {
  "use strict";

  function sideText(conflict, side) {
    var block = conflict.querySelector('[data-side="' + side + '"]');
    return block ? block.textContent : "";
  }

  function both(ours, theirs) {
    if (ours && theirs && ours.charAt(ours.length - 1) !== "\n") {
      return ours + "\n" + theirs;
    }
    return ours + theirs;
  }

  function choose(conflict, take) {
    var box = conflict.querySelector("textarea");
    var ours = sideText(conflict, "ours");
    var theirs = sideText(conflict, "theirs");
    box.value = take === "ours" ? ours : take === "theirs" ? theirs : both(ours, theirs);
    box.focus();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-conflict]"), function (conflict) {
    var choices = conflict.querySelector("[data-choices]");
    if (!choices) {
      return;
    }
    choices.hidden = false;
    choices.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-take]");
      if (button) {
        choose(conflict, button.getAttribute("data-take"));
      }
    });
  });
})();
