// Turn on Web Push for this phone (issue 22): ask permission on a tap, subscribe with the server's
// VAPID key, send the subscription. Where the browser has no push (many phones in China), the
// button says so: the notice list and the sync on opening remain the way notices arrive.
(function () {
  "use strict";
  var button = document.getElementById("push-enable");
  var status = document.getElementById("push-status");
  if (!button || !status) { return; }
  function say(key) { status.textContent = status.dataset[key] || ""; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    button.hidden = true;
    say("unsupported");
    return;
  }
  function keyBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  button.addEventListener("click", async function () {
    button.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") { say("denied"); return; }
      var registration = await navigator.serviceWorker.register("/sw.js");
      await navigator.serviceWorker.ready;
      var key = await (await fetch("/api/push/key", { credentials: "same-origin" })).json();
      var subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(key.public_key)
      });
      var token = document.querySelector("meta[name=csrf-token]").content;
      var response = await fetch("/api/push/subscribe", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(subscription.toJSON())
      });
      say(response.ok ? "on" : "failed");
    } catch (err) {
      say("failed");
    } finally {
      button.disabled = false;
    }
  });
}());
