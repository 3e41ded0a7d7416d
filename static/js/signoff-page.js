// The customer's own phone: the signature pad (signature_pad, vendored) feeding the form.
(function () {
  "use strict";
  var canvas = document.getElementById("signature-canvas");
  if (!canvas || !window.SignaturePad) { return; }
  var pad = new SignaturePad(canvas, { backgroundColor: "rgb(255,255,255)" });
  function fit() {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(data);
  }
  window.addEventListener("resize", fit);
  fit();
  document.getElementById("signature-clear").addEventListener("click", function () { pad.clear(); });
  document.getElementById("signoff-form").addEventListener("submit", function (event) {
    if (pad.isEmpty()) {
      event.preventDefault();
      alertBox(canvas.dataset.empty || "请先在框内签名 / Sign in the box first");
      return;
    }
    document.getElementById("signature-data").value = pad.toDataURL("image/png");
  });
  function alertBox(text) {
    var p = document.getElementById("signature-empty") || canvas.insertAdjacentElement("afterend", document.createElement("p"));
    p.id = "signature-empty";
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = text;
  }
})();
