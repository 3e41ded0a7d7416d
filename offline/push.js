// Web Push for this phone (issue 22), offered on the notices screen: on a tap, ask permission,
// subscribe with the server's VAPID key (/api/push/key) and send the subscription
// (/api/push/subscribe). Where the browser has no push (many phones in China) there is no
// button, only a plain line: the notice list and the sync on opening remain how notices arrive.
import { html } from "./html.js";
import { t } from "./i18n.js";
import { shared } from "./context.js";

// What the phone last said about push, kept across redraws of the screen: "on", "denied", "failed", "offline".
let outcome = "";

export const pushSupported = () => "serviceWorker" in navigator && "PushManager" in self && "Notification" in self;

// The VAPID public key (base64url, as the server writes it) as the bytes PushManager.subscribe wants.
function keyBytes(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

async function subscribe() {
  if (!navigator.onLine) { return "offline"; }
  if ((await Notification.requestPermission()) !== "granted") { return "denied"; }
  const registration = await navigator.serviceWorker.ready;  // app.js registered the service worker
  const key = await (await fetch("/api/push/key", { credentials: "same-origin" })).json();
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true, applicationServerKey: keyBytes(key.public_key),
  });
  // The shell may be a cached page with an old CSRF token: ask the session for the current one, as sync.js does.
  const session = await (await fetch("/api/session", { credentials: "same-origin" })).json();
  const response = await fetch("/api/push/subscribe", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": session.csrf_token },
    body: JSON.stringify(subscription.toJSON()),
  });
  return response.ok ? "on" : "failed";
}

async function turnOn(event) {
  const button = event.currentTarget;
  button.disabled = true;
  try { outcome = await subscribe(); } catch (err) { outcome = "failed"; }
  button.disabled = false;
  await shared.render();
}

const words = () => ({
  on: t("On: new and changed orders will also pop up on this phone."),
  denied: t("Notifications are blocked for this site; allow them in the browser settings to turn this on."),
  failed: t("This phone could not be signed up for notices; they still arrive in this list and when the app syncs."),
  offline: t("Turning this on needs a connection; notices still arrive in this list when the app syncs."),
});

// The card on the notices screen: the button, or the plain line where this browser has no push.
export function pushCard() {
  if (!pushSupported()) {
    return html`<p class="card push muted" id="push-unsupported">${t("This browser cannot receive pushed notices; they arrive in this list and when the app syncs.")}</p>`;
  }
  const already = Notification.permission === "granted" && outcome === "on";
  return html`<p class="card push">
    <button class="btn" type="button" id="push-enable" ?hidden=${already} @click=${turnOn}>${t("Get notices on this phone as they happen")}</button>
    <span id="push-status" role="status">${words()[outcome] || ""}</span></p>`;
}
