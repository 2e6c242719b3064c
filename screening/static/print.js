// Opens the print dialog on a page loaded with ?print=1 (a staff submission's Print button, the patient's summary
// in its print layout); no inline script under the CSP.
window.addEventListener("load", function () { window.print(); });
