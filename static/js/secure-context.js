// Offline work (the service worker), the camera and photo checksums (crypto.subtle) exist only
// in a secure context: HTTPS, or localhost. Opened over plain HTTP (a LAN address, say), the app
// would fail later with misleading errors, so say it plainly now (the words are in base.html).
(function () {
  "use strict";
  if (window.isSecureContext) { return; }
  document.documentElement.classList.add("insecure-context");
  var note = document.getElementById("insecure-context");
  if (note) { note.hidden = false; }
})();
