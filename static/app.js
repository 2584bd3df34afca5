// Mobil İmza Talep Portalı: the only script. Every page works without it;
// it shows the "Yazdır" buttons and opens the browser's print dialog.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
});
