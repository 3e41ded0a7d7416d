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

// Whether the order, as this phone now keeps it (its outbox included), offers the step `args` ({action, to}) from the
// state `drawnFor` the form was drawn in (when given). A page may be older than the outbox: the step taken in another
// tab, or a pull changing the job, while it was being filled in; the step queued again was refused by the server and
// landed under 需要处理 (review r66). The state counts as well as the step: an appointment made in another tab leaves
// "预约" offered as a change, which asks for a reason the first appointment's form has not (review r67).
async function stepOpen(orderId, args, drawnFor) {
  const order = await orderView(orderId);
  if (!order || (drawnFor !== undefined && order.state !== drawnFor)) { return false; }
  return (await nextSteps(order)).some((a) => a.name === args.action && targetOf(a, order) === args.to);
}

// Run `write()` while no other tab of this person queues a step: the check that a step is open and its queuing are one
// (two tabs tapping one step at once each found it open and queued it: review r67). Without Web Locks, as it comes.
const oneStepAtATime = (write) => (navigator.locks ? navigator.locks.request(`ontrack-step-${boot.user.id}`, write) : write());

// Queue one mutation {name, args} for an order, with its blobs ([{sha256, blob, type}]), then
// redraw and sync. Resolves to the outbox entry once the change is in the outbox and on screen. `consumes`
// ({key, id?}: a kept draft the change is made of, store.js enqueue) goes in the same transaction; with its `id`, the
// promise resolves to null, and nothing is queued, when that draft was saved or discarded elsewhere. `queued()` runs
// once the change is in, before the redraw. `drawnFor`: a lifecycle step's, the order's state its form was drawn in.
// Rejects, with nothing changed, when the phone cannot store it (its storage full), or with StepNotOpen when it is a
// lifecycle step the order no longer offers from that state.
export async function queue(orderId, name, args, blobs, { consumes = null, queued = null, drawnFor = undefined } = {}) {
  const write = async () => {
    if (name === "order.transition" && !(await stepOpen(orderId, args, drawnFor))) {
      throw new StepNotOpen(`${args.action} → ${args.to} is not open on order ${orderId}`);
    }
    return S.enqueue(shared.db, { name, args, order_id: orderId, base_version: await baseVersion(orderId),
      blobs: blobs || [], consumes });
  };
  const entry = await (name === "order.transition" ? oneStepAtATime(write) : write());
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
// Runs under the sync loop's lock, so the step cannot be on its way meanwhile. Only the order's step that may be taken
// back now (undoableStep) goes: an "undo" drawn before another tab took it back, or queued a step after it, rewrote
// the entry taken back already, or left the later step stranded (review r67). Resolves to "withdrawn", "sending" (a
// sync is running: try again in a moment) or "gone" (sent already, taken back already, or no longer the last step).
export async function withdraw(seq) {
  const take = async () => {
    const entry = await shared.db.get("outbox", seq);
    const last = entry && await undoableStep(entry.order_id);
    if (!last || last.seq !== seq) { return "gone"; }
    const tx = shared.db.transaction("outbox", "readwrite");
    const now = await tx.store.get(seq);
    if (!now || now.state !== "pending" || now.name !== "order.transition") { await tx.done; return "gone"; }
    await tx.store.put(Object.assign(now, { name: "sync.withdrawn", args: { name: now.name }, withdrawn: now.args }));
    await tx.done;
    tellOtherTabs(now.order_id, "queue");
    return "withdrawn";
  };
  // Under the step lock too: a step queued in another tab meanwhile comes before or after, never between.
  const done = navigator.locks
    ? await navigator.locks.request(`ontrack-sync-${boot.user.id}`, { ifAvailable: true },
      (lock) => (lock ? oneStepAtATime(take) : "sending"))
    : await take();
  await shared.render();
  return done;
}
