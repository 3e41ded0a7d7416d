// ONTrack technician app: starts the screens drawn from the phone's briefcase (IndexedDB).
//
// Every write the technician makes is queued in the outbox (outbox.js, store.js) and shown at
// once through the order view (order-view.js); the sync loop (sync.js) sends it when it can.
// Online or offline, it is the same path. Screens live in screens/, one module each.
import { boot, shared, touched } from "./context.js";
import { currentOrderId, draw, startRouter } from "./router.js";
import { markBriefcase, redrawBar, requestSync, watchConnection } from "./autosync.js";
import { guardDoubleTaps } from "./double-tap.js";
import { hearOtherTabs } from "./tabs.js";
import { noteSyncResult } from "./statusbar.js";

const S = self.ONTrackStore;
const FIRST_LOAD_WAIT_MS = 4000;

// The first visit came before the service worker, or the page was drawn with the list: keep the
// shell as the offline page now, unless the kept one is already this person's (a shared phone
// whose last person's session ran out keeps their shell until someone replaces it).
async function keepShell() {
  const cache = await caches.open("ontrack-shell");
  const kept = await cache.match("/jobs/");
  if (kept && kept.headers.get("X-ONTrack-Shell") === String(boot.user.id)) { return; }
  const response = await fetch("/jobs/", { credentials: "same-origin", cache: "no-store" });
  if (response.ok && response.headers.get("X-ONTrack-Shell")) { await cache.put("/jobs/", response); }
}

// The shell's CSP asks for Trusted Types: the one script URL the app hands the browser is vouched for here.
const scriptUrls = self.trustedTypes ? self.trustedTypes.createPolicy("ontrack-sw", {
  createScriptURL: (url) => { if (url !== "/sw.js") { throw new TypeError(`not the service worker: ${url}`); } return url; },
}) : { createScriptURL: (url) => url };

function startServiceWorker() {
  if (!navigator.serviceWorker) { return; }
  navigator.serviceWorker.register(scriptUrls.createScriptURL("/sw.js")).catch(() => {});
  navigator.serviceWorker.ready.then(keepShell).catch(() => {});
  // The service worker synced: the screen is redrawn unless a form is being filled in; the bar always (README).
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (!(event.data && event.data.type === "synced")) { return; }
    noteSyncResult(event.data.result);
    if (!shared.typing) { draw(true); } else { redrawBar().catch(() => {}); }
  });
}

// Another tab of this phone queued or took back a change, or changed a kept draft (tabs.js): the list, or the job it is
// about, is drawn as the phone now keeps it; the bar always, as after a sync. (A step queued in one tab left the job's
// other tab offering the same step until touched; an LED draft tapped in one tab stayed as it was in the other.)
// While a form is being filled in, only the bar, as after a sync: a redraw adds or removes whole forms and photos, and
// the field being typed in moved under the finger (review r66: a step, 200 px; review r67: an LED photo chosen in the
// other tab, 250 px). One listener for the whole app: the job page was drawn twice for one piece of news when the LED
// check listened too.
function followOtherTabs() {
  hearOtherTabs((orderId) => {
    const id = currentOrderId();
    if (!shared.typing && (!id || id === orderId)) { draw(true); } else { redrawBar().catch(() => {}); }
  });
}

// Logging out keeps the queue on the phone (it is sent when this person logs in again); the
// cached page with their name goes.
function forgetShellOnLogout() {
  document.querySelectorAll('form[action="/logout"]').forEach((form) => {
    form.addEventListener("submit", () => {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "forget-shell" });
      }
    });
  });
}

async function start() {
  try { localStorage.setItem("ontrack-lang", boot.lang); } catch (e) { /* the offline page falls back to the browser's */ }
  shared.db = await S.open(boot.user.id);
  shared.render = draw;
  shared.requestSync = requestSync;
  await S.setMeta(shared.db, "user", { id: boot.user.id, name: boot.user.name });
  startServiceWorker();
  if (navigator.storage && navigator.storage.persist) { navigator.storage.persist().catch(() => {}); }
  startRouter();
  guardDoubleTaps();
  watchConnection();
  forgetShellOnLogout();
  followOtherTabs();
  const app = document.getElementById("app");
  app.addEventListener("input", touched);
  // A phone that never loaded its jobs keeps what the server drew (its list, drawn into the page on
  // a first load, webapp/jobs/first_list.py; else the "Opening your jobs…" line) until its first
  // pull arrives, so the list is drawn once, whole: drawing the empty list first and then the
  // pulled jobs above and inside it moved the page (a layout shift of 0.18, issue 14 Lighthouse).
  // The list is drawn from the pull's response as it arrives (autosync.js), while the rows are
  // still being written to IndexedDB (sync.js). At most FIRST_LOAD_WAIT_MS: on a stalled
  // connection the "not loaded yet" list shows, and the jobs are drawn when the sync gets through.
  const holds = Boolean(await S.getMeta(shared.db, "cursor"));
  const firstLoad = navigator.onLine && !holds;
  if (firstLoad) { await Promise.race([requestSync(), new Promise((done) => setTimeout(done, FIRST_LOAD_WAIT_MS))]); }
  if (!firstLoad || !(app.dataset.drawn || app.dataset.adopted)) { await draw(); }
  document.body.dataset.ready = "1";
  if (holds) { markBriefcase(); }
  if (!firstLoad) { requestSync(); }
}

start();
