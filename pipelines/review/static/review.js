// Keyboard shortcuts of ionlit review: a accept, r reject, c correct, s skip, n note, u undo,
// j/k next/previous. Keys typed into a field are left alone (Escape leaves the field).
"use strict";
(function () {
  function click(id) { var el = document.getElementById(id); if (el && !el.disabled) { el.click(); } }
  function follow(id) { var el = document.getElementById(id); if (el) { window.location.href = el.href; } }
  function focus(id) { var el = document.getElementById(id); if (el) { el.focus(); if (el.select) { el.select(); } } }
  var keys = {
    a: function () { click("accept"); },
    r: function () { click("reject"); },
    s: function () { click("skip"); },
    c: function () { focus("value"); },
    n: function () { focus("note"); },
    u: function () { var f = document.getElementById("undo"); if (f) { f.requestSubmit(); } },
    j: function () { follow("next"); },
    k: function () { follow("prev"); }
  };
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
    if (typing) {
      if (event.key === "Escape") { target.blur(); }
      else if (event.key === "Enter" && (target.id === "value" || target.id === "temperature")) {
        event.preventDefault(); click("correct");
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var action = keys[event.key];
    if (action) { event.preventDefault(); action(); }
  });
  // Remember the curator's name here too, for a browser that drops the cookie.
  var curator = document.getElementById("curator");
  if (curator) {
    if (!curator.value && window.localStorage) { curator.value = localStorage.getItem("ionlit-curator") || ""; }
    curator.addEventListener("change", function () { localStorage.setItem("ionlit-curator", curator.value); });
  }
  // A bulk decision carries the name and note typed in the decision form.
  var bulk = document.getElementById("bulk");
  if (bulk && curator) {
    bulk.addEventListener("submit", function () {
      bulk.elements.curator.value = curator.value;
      bulk.elements.note.value = document.getElementById("note").value;
    });
  }
  // A click on a page switches between the zoomed page and the whole page width.
  Array.prototype.forEach.call(document.querySelectorAll(".page-image"), function (svg) {
    svg.addEventListener("click", function () { svg.classList.toggle("fit"); });
  });
  // Scroll each page image to the value's box, with the lines above it in view.
  Array.prototype.forEach.call(document.querySelectorAll(".page"), function (page) {
    var box = page.querySelector(".box"), svg = page.querySelector("svg");
    if (!box || !svg) { return; }
    var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    var top = box.y.baseVal.value, bottom = top + box.height.baseVal.value;
    var header = parseFloat(page.dataset.headerTop);
    // The table's header above the value when both fit, else the box a third down.
    page.scrollTop = !isNaN(header) && header < top && (bottom - header) * scale + 40 < page.clientHeight
      ? Math.max(0, header * scale - 20)
      : Math.max(0, top * scale - page.clientHeight / 3);
    // The box at the right edge: what is left of it (a table row's material, the start of
    // the sentence) stays in view.
    page.scrollLeft = Math.max(0, (box.x.baseVal.value + box.width.baseVal.value) * scale
                                  - page.clientWidth + 24);
  });
}());
