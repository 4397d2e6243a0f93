// Filter by status. The page is complete without this script: it only shows the filter and
// hides the comparisons (and then empty materials and parts) whose status is unticked.
(function () {
  "use strict";
  var box = document.getElementById("filter");
  if (!box) { return; }
  var inputs = Array.prototype.slice.call(box.querySelectorAll("input[data-status]"));
  function apply() {
    var shown = {};
    inputs.forEach(function (input) { shown[input.getAttribute("data-status")] = input.checked; });
    document.querySelectorAll("article.cmp").forEach(function (row) {
      row.hidden = !shown[row.getAttribute("data-status")];
    });
    document.querySelectorAll(".group, section.part").forEach(function (block) {
      block.hidden = block.querySelector("article.cmp:not([hidden])") === null;
    });
  }
  function tick(which) {
    inputs.forEach(function (input) {
      input.checked = which === "all" || input.getAttribute("data-conflict") === "1";
    });
    apply();
  }
  inputs.forEach(function (input) { input.addEventListener("change", apply); });
  box.querySelectorAll("button[data-tick]").forEach(function (button) {
    button.addEventListener("click", function () { tick(button.getAttribute("data-tick")); });
  });
  box.hidden = false;
  document.documentElement.setAttribute("data-filter", "on");
  apply();
}());
