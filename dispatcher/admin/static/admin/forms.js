// Form errors: move the focus to the summary of a form that came back with errors, and
// let each line of the summary take the focus to its field. The pages work without this.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-focus]") : null;
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("data-focus"));
    if (field) {
      event.preventDefault();
      field.focus();
    }
  });
})();
