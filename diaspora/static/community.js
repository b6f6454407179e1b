// The check-in's QR scan: the browser's own barcode reader (BarcodeDetector) over the camera; where the browser has
// none, or the camera is refused, the page keeps its manual code entry. A code read is posted like a typed one.
(function () {
  "use strict";
  var scanner = document.querySelector("[data-scanner]");
  var form = document.querySelector("[data-scanner-form]");
  if (!scanner || !form) { return; }
  var input = form.querySelector("[data-scanner-input]");
  var unsupported = document.querySelector("[data-scanner-unsupported]");
  var status = scanner.querySelector("[data-scanner-status]");
  var video = scanner.querySelector("[data-scanner-video]");

  function fallBack() {
    scanner.hidden = true;
    if (unsupported) { unsupported.classList.remove("d-none"); }
    if (input) { input.focus(); }
  }

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    fallBack();
    return;
  }
  var detector;
  try {
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch (error) {
    fallBack();
    return;
  }
  var done = false;
  navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (stream) {
    scanner.hidden = false;
    video.srcObject = stream;
    video.play();
    function look() {
      if (done) { return; }
      detector.detect(video).then(function (codes) {
        if (codes.length && codes[0].rawValue) {
          done = true;
          stream.getTracks().forEach(function (track) { track.stop(); });
          if (status) { status.textContent = codes[0].rawValue; }
          input.value = codes[0].rawValue;
          form.submit();
          return;
        }
        window.setTimeout(look, 250);
      }).catch(function () { window.setTimeout(look, 500); });
    }
    look();
  }).catch(fallBack);
})();
