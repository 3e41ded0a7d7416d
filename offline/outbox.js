// Every write the technician makes goes here: queued in the outbox (store.js) with the server
// version it is based on, shown at once through the order view, sent by the sync loop.
import { shared } from "./context.js";
import { baseVersion } from "./order-view.js";

const S = self.ONTrackStore;

// Ask the service worker for a Background Sync, where the browser has one (Chromium).
function wakeBackgroundSync() {
  if (!navigator.serviceWorker || !navigator.serviceWorker.ready) { return; }
  navigator.serviceWorker.ready.then((reg) => (reg.sync ? reg.sync.register("ontrack-sync") : null)).catch(() => {});
}

// Queue one mutation {name, args} for an order, with its blobs ([{sha256, blob, type}]), then
// redraw and sync. Resolves once the change is in the outbox and on screen.
export async function queue(orderId, name, args, blobs) {
  await S.enqueue(shared.db, { name, args, order_id: orderId, base_version: await baseVersion(orderId), blobs: blobs || [] });
  wakeBackgroundSync();
  await shared.render();
  shared.requestSync();
}
