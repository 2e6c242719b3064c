// Progressive enhancement only: every page works without this file.
// After a failed Continue, move focus to the error summary so screen readers and keyboards start there.
(function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
}());
