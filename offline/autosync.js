// When the phone syncs: at start, when the connection comes back, when the app is shown again,
// on a timer that backs off after failures (30 s doubling to 5 min), after every queued change
// and on "Sync now". One run at a time; a request during a run runs once more after it.
import { boot, shared } from "./context.js";
import { noteSyncResult, renderStatus } from "./statusbar.js";
import { arrived, showArriving } from "./order-view.js";
import { showUnreadCount } from "./screens/notices.js";

const Y = self.ONTrackSync;
let failures = 0, timer = null, again = false, syncing = false, drewPull = false;
// Just after the browser says it is online again, the network often needs a few seconds more
// (Wi-Fi associating, mobile data attaching): probe again soon instead of backing off.
const QUICK_PROBES = [2000, 5000, 10000];
let quickProbes = [];

function schedule() {
  clearTimeout(timer);
  const wait = failures && quickProbes.length ? quickProbes.shift() : Math.min(30000 * 2 ** failures, 5 * 60000);
  timer = setTimeout(requestSync, wait);
}

// A pulled page with changes is shown as soon as it arrives, while sync.js is still writing it to
// IndexedDB (issue 14: the job list paints from the pull's response, not after the writes).
// A first pull of the same snapshot as the list the server drew into the page (webapp/jobs/first_list.py,
// data-snapshot) holds exactly what is on screen: that drawing is kept, not drawn again (a whole list
// in lit-html, the longest task of the first load, issue 14); the next draw replaces it.
// Nothing of the phone's own goes over it: no queued change, nothing that needs attention.
async function serverDrewIt(page) {
  const app = document.getElementById("app");
  if (!(page.reset && !page.more && !app.dataset.drawn && app.dataset.snapshot === String(page.cursor))) { return false; }
  const [queued, attention] = await Promise.all([shared.db.count("outbox"), shared.db.count("attention")]);
  return !queued && !attention;
}

const showPull = {
  async arriving(page) {
    if (!page.reset && !(page.changes || []).length) { return; }
    showArriving(page);
    if (await serverDrewIt(page)) { document.getElementById("app").dataset.adopted = "1"; drewPull = true; return; }
    if (!shared.typing) { await shared.render(true); drewPull = true; }
  },
  settled: arrived,
};

// Tells the server that this phone holds this technician's briefcase, so /jobs/ comes as the bare
// shell and the list is drawn from IndexedDB (with the queued changes over it); without it the server
// draws the list into the page for the first load (webapp/jobs/first_list.py). No secret: a user id.
export function markBriefcase() {
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `ontrack_briefcase=${boot.user.id}; Path=/jobs; Max-Age=31536000; SameSite=Strict${secure}`;
}

export async function requestSync() {
  if (syncing) { again = true; return; }
  syncing = true;
  busy(true);
  drewPull = false;
  let result, othersOver = false;
  try {
    await renderStatus(true);
    result = await Y.run(shared.db, boot.user.id, showPull);
    noteSyncResult(result);
    // Another tab or the service worker was syncing: show what it sent and pulled once it is over, and send what
    // this page queued after that sync's push (README).
    if (result && result.busy && !result.wait) {
      othersOver = await Y.othersDone(boot.user.id);
      if (othersOver && (await self.ONTrackStore.waiting(shared.db)).length) { again = true; }
    }
  } finally { syncing = false; }
  const fresh = result && (result.ok || (result.busy && !result.wait && othersOver));
  failures = result && result.ok === false && !result.busy ? failures + 1 : 0;
  if (result && result.ok) { markBriefcase(); }
  if (!failures) { quickProbes = []; }
  // The screen drawn from the pull as it arrived is what the phone now holds: only the bar and the
  // notices' count change (drawing the whole list again cost ≈0.1 s of a phone's CPU, issue 14).
  if (fresh && !shared.typing && !drewPull) { await shared.render(true); }
  else { await redrawBar(fresh); }
  if (again) { again = false; requestSync(); return; }
  if (!syncing) { busy(false); }  // a sync asked for during the last draw has begun
  schedule();
}

// The bar is aria-busy from a sync's start to its last draw (tests wait on it).
function busy(on) {
  const bar = document.getElementById("sync-status");
  if (bar) { bar.setAttribute("aria-busy", String(on)); }
}

// The bar and, unless `counts` is false, the notices' unread count.
export const redrawBar = (counts = true) => Promise.all([renderStatus(syncing), counts ? showUnreadCount() : null]);

// Sync when the connection returns and when the technician comes back to the app.
export function watchConnection() {
  window.addEventListener("online", () => { failures = 0; quickProbes = QUICK_PROBES.slice(); requestSync(); });
  window.addEventListener("offline", () => renderStatus(syncing));
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") { requestSync(); } });
}
