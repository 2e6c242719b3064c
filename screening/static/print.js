// Opens the print dialog on a staff page loaded with ?print=1 (the Print button); no inline script under the CSP.
window.addEventListener("load", function () { window.print(); });
