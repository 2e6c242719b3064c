// Progressive enhancement only: every page works without this file.
(function () {
  // After a failed Continue, move focus to the error summary so screen readers and keyboards start there.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // Without script, "Print or save as PDF" is a link to the page's print layout; with it, the control prints
  // this page at once (the print styles give it the same layout), so it becomes the button it acts as.
  var link = document.querySelector("a[data-print]");
  if (link && typeof window.print === "function") {
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = link.textContent;
    button.addEventListener("click", function () { window.print(); });
    link.parentNode.replaceChild(button, link);
  }
}());
