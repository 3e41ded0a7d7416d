// The phone's other tabs of this person hear what changed in the phone's database here, so a tab showing it draws it as
// the phone now keeps it: a kept draft written (drafts.js: the LED check's draft tapped, saved or discarded in another
// tab stayed on screen as it was until touched) or a change queued or taken back (outbox.js: a step queued in one tab
// left the job's other tab offering the same step). Local to the browser, offline too; a tab does not hear its own
// news. A browser without BroadcastChannel redraws when touched.
import { boot } from "./context.js";

const channel = self.BroadcastChannel ? new BroadcastChannel(`ontrack-tabs-${boot.user.id}`) : null;

// Tell the other tabs that something of the order changed. `what`: "draft" (a kept draft written) or "queue" (a change
// queued or taken back).
export function tellOtherTabs(orderId, what) {
  if (channel) { channel.postMessage({ order_id: orderId, what }); }
}

// Run `heard(orderId, what)` when another tab tells that something of that order changed (tellOtherTabs).
export function hearOtherTabs(heard) {
  if (channel) { channel.addEventListener("message", (event) => heard(event.data.order_id, event.data.what)); }
}
