/* History page: picking two revisions to compare.
 *
 * Two radio columns choose the older ("from") and the newer ("to") revision. Like MediaWiki, only
 * the choices that make sense stay visible: "from" on revisions older than the chosen "to", "to" on
 * revisions newer than the chosen "from". The server orders the two anyway; this only guides.
 */
(function () {
  "use strict";

  var form = document.getElementById("compare-form");
  if (!form) {
    return;
  }
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr[data-number]"));
  if (rows.length < 2) {
    return;
  }

  function chosen(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? Number(input.value) : null;
  }

  function update() {
    var from = chosen("from");
    var to = chosen("to");
    rows.forEach(function (row) {
      var number = Number(row.getAttribute("data-number"));
      var fromInput = row.querySelector('input[name="from"]');
      var toInput = row.querySelector('input[name="to"]');
      fromInput.classList.toggle("is-unavailable", to !== null && number >= to);
      toInput.classList.toggle("is-unavailable", from !== null && number <= from);
    });
  }

  form.addEventListener("change", update);
  update();
})();
