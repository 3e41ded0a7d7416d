// What the technician typed into a form and has not saved yet, per order and form, kept in the
// phone's database (the "meta" store) so a reload, a crash or a sync's redraw never loses it.
// A form opts in with @input=${keepDraft(orderId, name)}; its template reads loadDraft() for values.
import { shared } from "./context.js";
import { formFields } from "./ui.js";
import { tellOtherTabs } from "./tabs.js";

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

// Keep a draft that is not a form's fields (the LED check's chosen photo and taps: a Blob is stored as is).
export async function keepValue(orderId, form, value) {
  await S.setMeta(shared.db, draftKey(orderId, form), value);
  tellOtherTabs(orderId, "draft");
}

// Change a kept draft where it is kept (see ONTrackStore.updateMeta): `change(kept)` gets the draft as the phone keeps
// it now, changes it and returns it, or returns undefined to leave it. Resolves to what was kept, else undefined.
export async function changeValue(orderId, form, change) {
  const kept = await S.updateMeta(shared.db, draftKey(orderId, form), change);
  if (kept !== undefined) { tellOtherTabs(orderId, "draft"); }
  return kept;
}

// Forget a kept draft if `only(kept)` says so, in the transaction that reads it (ONTrackStore.dropMeta). → whether it went.
export async function dropValue(orderId, form, only) {
  const dropped = await S.dropMeta(shared.db, draftKey(orderId, form), only);
  if (dropped) { tellOtherTabs(orderId, "draft"); }
  return dropped;
}

// Forget a form's draft once what it holds is queued.
export async function dropDraft(orderId, form) {
  await shared.db.delete("meta", draftKey(orderId, form));
}
