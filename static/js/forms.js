// Forms kind to mistakes: move focus to the error summary when a form comes back with errors,
// and let each of its links put the cursor in the field it names. Without this file the
// summary is still at the top of the page and its links still lead to the fields.
(function () {
  "use strict";
  function focusField(event) {
    var id = decodeURIComponent(this.hash.slice(1));
    var field = document.getElementById(id);
    if (!field) { return; }
    event.preventDefault();
    var label = document.querySelector("label[for='" + id.replace(/'/g, "\\'") + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus();
    var links = summary.querySelectorAll("a[href^='#']");
    for (var i = 0; i < links.length; i++) { links[i].addEventListener("click", focusField); }
  });
}());
