// What the technician typed into a form and has not saved yet, per order and form, kept in the
// phone's database (the "meta" store) so a reload, a crash or a sync's redraw never loses it.
// A form opts in with @input=${keepDraft(orderId, name)}; its template reads loadDraft() for values.
import { boot, shared } from "./context.js";
import { formFields } from "./ui.js";

const S = self.ONTrackStore;
// The meta store's key of an order's draft of a form.
export const draftKey = (orderId, form) => `draft:${orderId}:${form}`;

// {field: value} typed into this order's form `form` (empty when nothing was kept).
export async function loadDraft(orderId, form) {
  return (await S.getMeta(shared.db, draftKey(orderId, form))) || {};
}

// An input handler that keeps the whole form as typed.
export const keepDraft = (orderId, form) => (event) => {
  const target = event.currentTarget || event.target.form;
  S.setMeta(shared.db, draftKey(orderId, form), formFields(target)).catch(() => {});
};

// The phone's other tabs of this person hear that an order's kept draft changed, so a tab showing it draws it as kept
// (the LED check's draft tapped, saved or discarded in another tab stayed on screen as it was until touched). Local to
// the browser, offline too; a tab does not hear its own news. A browser without BroadcastChannel redraws when touched.
const news = self.BroadcastChannel ? new BroadcastChannel(`ontrack-drafts-${boot.user.id}`) : null;

// Tell the other tabs that a kept draft of the order changed (written here), or a change of it was queued or taken
// back (outbox.js).
// `what`: "draft" (a kept draft written) or "queue" (a change queued or taken back).
export function tellOtherTabs(orderId, what = "draft") {
  if (news) { news.postMessage({ order_id: orderId, what }); }
}

// Run `heard(orderId, what)` when another tab tells that a kept draft of that order, or its queue, changed.
export function hearOtherTabs(heard) {
  if (news) { news.addEventListener("message", (event) => heard(event.data.order_id, event.data.what)); }
}

// Keep a draft that is not a form's fields (the LED check's chosen photo and taps: a Blob is stored as is).
export async function keepValue(orderId, form, value) {
  await S.setMeta(shared.db, draftKey(orderId, form), value);
  tellOtherTabs(orderId);
}

// Change a kept draft where it is kept (see ONTrackStore.updateMeta): `change(kept)` gets the draft as the phone keeps
// it now, changes it and returns it, or returns undefined to leave it. Resolves to what was kept, else undefined.
export async function changeValue(orderId, form, change) {
  const kept = await S.updateMeta(shared.db, draftKey(orderId, form), change);
  if (kept !== undefined) { tellOtherTabs(orderId); }
  return kept;
}

// Forget a kept draft if `only(kept)` says so, in the transaction that reads it (ONTrackStore.dropMeta). → whether it went.
export async function dropValue(orderId, form, only) {
  const dropped = await S.dropMeta(shared.db, draftKey(orderId, form), only);
  if (dropped) { tellOtherTabs(orderId); }
  return dropped;
}

// Forget a form's draft once what it holds is queued.
export async function dropDraft(orderId, form) {
  await shared.db.delete("meta", draftKey(orderId, form));
}
