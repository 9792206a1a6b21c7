// The check-in page's camera: where the browser has BarcodeDetector, a button scans the
// QR code and sends the form with the code read. Without it (or without a camera) the
// page is the plain form, which works with no script at all.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("check-in-camera");
    var form = document.getElementById("check-in-form");
    var input = document.getElementById("code");
    if (!box || !form || !input) return;
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
      input.focus();
      return;
    }
    box.hidden = false;
    var button = document.getElementById("check-in-scan");
    var video = document.getElementById("check-in-video");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    button.addEventListener("click", function () {
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" } })
        .then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          button.disabled = true;
          return video.play().then(function () {
            var look = function () {
              detector.detect(video).then(function (codes) {
                if (codes.length) {
                  stream.getTracks().forEach(function (track) { track.stop(); });
                  input.value = codes[0].rawValue;
                  form.submit();
                } else {
                  window.requestAnimationFrame(look);
                }
              }, function () { window.requestAnimationFrame(look); });
            };
            look();
          });
        })
        .catch(function () {
          box.hidden = true;
          input.focus();
        });
    });
  });
})();
