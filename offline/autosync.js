// When the phone syncs: at start, when the connection comes back, when the app is shown again,
// on a timer that backs off after failures (30 s doubling to 5 min), after every queued change
// and on "Sync now". One run at a time; a request during a run runs once more after it.
import { boot, shared } from "./context.js";
import { renderStatus } from "./statusbar.js";

const Y = self.ONTrackSync;
let failures = 0, timer = null, again = false, syncing = false;

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(requestSync, Math.min(30000 * 2 ** failures, 5 * 60000));
}

export async function requestSync() {
  if (syncing) { again = true; return; }
  syncing = true;
  await renderStatus(true);
  let result;
  try { result = await Y.run(shared.db, boot.user.id); } finally { syncing = false; }
  failures = result && result.ok === false && !result.busy ? failures + 1 : 0;
  if (result && result.ok && !shared.typing) { await shared.render(true); } else { await renderStatus(false); }
  if (again) { again = false; requestSync(); return; }
  schedule();
}

export const isSyncing = () => syncing;

// Sync when the connection returns and when the technician comes back to the app.
export function watchConnection() {
  window.addEventListener("online", requestSync);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") { requestSync(); } });
}
