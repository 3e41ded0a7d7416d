// Every write the technician makes goes here: queued in the outbox (store.js) with the server
// version it is based on, shown at once through the order view, sent by the sync loop.
import { boot, shared } from "./context.js";
import { baseVersion, nextSteps, orderView, targetOf } from "./order-view.js";
import { tellOtherTabs } from "./tabs.js";

const S = self.ONTrackStore;

// Ask the service worker for a Background Sync, where the browser has one (Chromium).
function wakeBackgroundSync() {
  if (!navigator.serviceWorker || !navigator.serviceWorker.ready) { return; }
  navigator.serviceWorker.ready.then((reg) => (reg.sync ? reg.sync.register("ontrack-sync") : null)).catch(() => {});
}

// A lifecycle step (order.transition) the job no longer offers on this phone: queue() rejected it and queued nothing.
export class StepNotOpen extends Error {}

// Whether the order, as this phone now keeps it (its outbox included), offers the step `args` ({action, to}). A page
// may be older than the outbox: the step taken in another tab, or a pull changing the job, while it was being filled
// in; the step queued again was refused by the server and landed under 需要处理 (review r66).
async function stepOpen(orderId, args) {
  const order = await orderView(orderId);
  return Boolean(order) && (await nextSteps(order)).some((a) => a.name === args.action && targetOf(a, order) === args.to);
}

// Queue one mutation {name, args} for an order, with its blobs ([{sha256, blob, type}]), then
// redraw and sync. Resolves to the outbox entry once the change is in the outbox and on screen. `consumes`
// ({key, id?}: a kept draft the change is made of, store.js enqueue) goes in the same transaction; with its `id`, the
// promise resolves to null, and nothing is queued, when that draft was saved or discarded elsewhere. `queued()` runs
// once the change is in, before the redraw. Rejects, with nothing changed, when the phone cannot store it (its storage
// full), or with StepNotOpen when it is a lifecycle step the order no longer offers.
export async function queue(orderId, name, args, blobs, { consumes = null, queued = null } = {}) {
  if (name === "order.transition" && !(await stepOpen(orderId, args))) {
    throw new StepNotOpen(`${args.action} → ${args.to} is not open on order ${orderId}`);
  }
  const entry = await S.enqueue(shared.db, { name, args, order_id: orderId, base_version: await baseVersion(orderId),
    blobs: blobs || [], consumes });
  if (!entry) { return null; }
  tellOtherTabs(orderId, "queue");  // the job's other tabs show the change queued (and the draft it used up gone)
  if (queued) { queued(); }
  wakeBackgroundSync();
  await shared.render();
  shared.requestSync();
  return entry;
}

// The order's last lifecycle step while it still waits to be sent (null when there is none, or
// a signature was queued after it): the step the technician may take back.
export async function undoableStep(orderId) {
  const entries = (await shared.db.getAllFromIndex("outbox", "order_id", orderId)).sort((a, b) => a.seq - b.seq);
  const steps = entries.filter((e) => e.name === "order.transition");
  const last = steps[steps.length - 1];
  if (!last || last.state !== "pending") { return null; }
  return entries.some((e) => e.seq > last.seq && e.name === "order.sign_off") ? null : last;
}

// Take back a queued step that has not been sent. Its number stays in the outbox as
// "sync.withdrawn", which the server consumes without effect: numbers never get a gap, and a
// step the server did receive after all (an answer lost on the way) keeps its original result.
// Runs under the sync loop's lock, so the step cannot be on its way meanwhile. Resolves to false
// when a sync is running (try again in a moment) or the step was sent already.
export async function withdraw(seq) {
  const take = async () => {
    const tx = shared.db.transaction("outbox", "readwrite");
    const entry = await tx.store.get(seq);
    if (!entry || entry.state !== "pending") { await tx.done; return false; }
    await tx.store.put(Object.assign(entry, { name: "sync.withdrawn", args: { name: entry.name }, withdrawn: entry.args }));
    await tx.done;
    tellOtherTabs(entry.order_id, "queue");
    return true;
  };
  const done = navigator.locks
    ? await navigator.locks.request(`ontrack-sync-${boot.user.id}`, { ifAvailable: true }, (lock) => (lock ? take() : false))
    : await take();
  await shared.render();
  return done;
}
