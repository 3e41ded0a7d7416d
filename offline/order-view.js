// The one view of an order the phone shows: the server's copy (the briefcase) with the queued
// changes applied on top, the way the server will apply them. Every screen reads orders from
// here, so queueing a change *is* the local update (design/sync-protocol.md, "Outbox and view").
import { boot, shared } from "./context.js";

const event = (at, action, state, pending, extra) =>
  Object.assign({ at, action, from_state: state, to_state: state, reason: "", local: true, pending, details: {} }, extra);

// Each queued mutation's effect on the view, by mutation name.
const APPLY = {
  "order.transition": (order, a, at, pending) => {
    const step = event(at, a.action, order.state, pending, { to_state: a.to, reason: a.reason || "", details: a.fields || {} });
    order.state = a.to;
    if (a.action === "make_appointment") {
      order.appointment_start = a.fields.appointment_start;
      order.appointment_end = a.fields.appointment_end;
    }
    if (a.action === "return") { order.closure = a.fields; }
    order.events = order.events.concat([step]);
  },
  "order.add_note": (order, a, at, pending) => {
    order.notes = order.notes.concat([{ uid: a.note_id, at, text: a.text, author: null, local: true, pending }]);
  },
  "order.record_run": (order, a, at, pending) => {
    order.runs = (order.runs || []).concat([{ id: a.run_id, playbook: a.playbook, playbook_version: a.version,
      steps: a.steps, outcome: a.outcome, note: a.note || "", occurred_at: at, local: true, pending }]);
    order.events = order.events.concat([event(at, "record_run", order.state, pending)]);
  },
  "order.sign_off": (order, a, at, pending) => {
    order.signoffs = (order.signoffs || []).concat([{ id: a.signoff_id, version: null, report_hash: a.report_hash,
      signer_name: a.signer_name, signed_at: a.report.signed_at, survey: a.survey, local: true, pending }]);
    order.events = order.events.concat([event(at, "sign_off", order.state, pending, { reason: a.signer_name })]);
  },
  "order.wifi_survey": (order, a, at, pending) => {
    order.surveys = (order.surveys || []).concat([{ id: a.survey_id, source: a.source, local: true, pending,
      occurred_at: at, networks: a.networks, own_ssid: a.own_ssid || null, country: a.country,
      off_band: a.off_band || [], recommendation: null, findings: [] }]);
  },
  "order.led_check": (order, a, at, pending) => {
    const tapped = a.tapped || null;
    order.led_checks = (order.led_checks || []).concat([{ id: a.check_id, model_id: a.model_id || "custom",
      model_kind: a.model_kind || "ont", labels: a.labels ? a.labels.split(",") : (tapped || []).map((s) => s.label),
      capture: a.capture, sha256: a.sha256, frames: a.frames, frame: a.frame, guided: a.guided !== false, reading: null, tapped,
      // Taps on every light confirm them; taps on some (the rest "unsure") wait for the reading (as the server does).
      confirmed: tapped && tapped.every((s) => s.state !== "unsure") ? tapped : null, occurred_at: at, local: true, pending }]);
    const added = order.led_checks[order.led_checks.length - 1];
    if (added.confirmed) { Object.assign(added, { confirmed_by: boot.user.name, confirmed_at: at, confirm_pending: pending }); }
    order.events = order.events.concat([event(at, "led_check", order.state, pending)]);
  },
  "order.led_confirm": (order, a, at, pending) => {
    (order.led_checks || []).filter((c) => c.id === a.check_id).forEach((c) => {
      c.confirmed = a.states;
      c.confirmed_at = at;
      // The phone's own confirmation is its user's until the server's copy (with its name) comes back; never the
      // previous confirmer's name beside this phone's time (review r7: after a reassignment B's tap read as A's).
      c.confirmed_by = boot.user.name;
      c.confirm_pending = pending;
      c.confirmations = (c.confirmations || 0) + 1;
      c.pending = c.pending || pending;
    });
  },
  "order.add_loop_test": (order, a, at, pending) => {
    if (!order.enterprise) { return; }
    order.enterprise.loop_tests = order.enterprise.loop_tests.concat([{ uid: a.loop_test_id, loop_point: a.loop_point,
      result: a.result, tested_at: a.tested_at, note: a.note || "", local: true, pending }]);
  },
  "order.add_participant": (order, a, at, pending) => {
    if (!order.enterprise) { return; }
    order.enterprise.participants = order.enterprise.participants.concat([{ uid: a.participant_id, role: a.role,
      name: a.name, phone: a.phone || "", added_at: at, local: true, pending }]);
  },
  "order.tool_check": (order, a, at, pending) => {
    const carried = a.carried || [];
    order.tool_check = { id: a.check_id, carried, missing: null, note: a.note || "", occurred_at: at, local: true, pending };
    order.events = order.events.concat([event(at, "tool_check", order.state, pending)]);
  },
  "order.attach_capture": (order, a, at, pending) => {
    const held = Object.assign({}, order.captures || {});
    held[a.run_id] = (held[a.run_id] || []).concat([{ id: a.capture_id, run_id: a.run_id, sha256: a.sha256,
      file_name: a.file_name, caption: a.caption || "", occurred_at: at, local: true, pending }]);
    order.captures = held;
  },
  "order.attach_photo": (order, a, at, pending) => {
    order.attachments = order.attachments.concat([{ id: a.photo_id, kind: a.kind || "photo", sha256: a.sha256,
      caption: a.caption || "", taken_at: at, local: true, pending }]);
  },
};

// Apply one outbox entry ({name, args, occurred_at, state}) to an order view, in place; returns it.
export function applyLocal(order, entry) {
  const apply = APPLY[entry.name];
  if (apply) { apply(order, entry.args, entry.occurred_at, entry.state === "pending"); }
  return order;
}

// An order with nothing queued is shown as it is (screens only read a view, and a stored copy is
// a fresh one on every read): the deep copy, ≈250 KB of JSON for a list of 41, is for applying changes.
function viewOf(order, entries) {
  if (!entries.length) { return order; }
  const view = JSON.parse(JSON.stringify(order));
  entries.slice().sort((x, y) => x.seq - y.seq).forEach((e) => applyLocal(view, e));
  return view;
}

// A pull on its way into IndexedDB (sync.js writes it in small transactions after the page has
// shown it): {reset, lastSeq, orders: Map(id → server copy | null when deleted), reference: Map(id → data | null)}.
// Every read below shows it over what is stored, so a screen drawn mid-write shows the pulled
// rows at once (issue 14: the job list paints from the pull's response) and a change queued
// meanwhile is based on the pulled version. Dropped when the pull is over, written or not.
let arriving = null;

// Show a pulled page ({reset, changes: [{table, id, version, deleted, data}]}) before it is stored.
export function showArriving(page) {
  if (!arriving || page.reset) { arriving = { reset: Boolean(page.reset), orders: new Map(), reference: new Map() }; }
  arriving.lastSeq = page.last_seq || 0;
  for (const c of page.changes || []) {
    if (c.table === "reference") { arriving.reference.set(c.id, c.deleted ? null : c.data); }
    else { arriving.orders.set(c.id, c.deleted ? null : c.data); }
  }
}

// The pull is over: what is stored is the truth again.
export function arrived() { arriving = null; }

// Whether a pull is being shown before it is stored (the phone has heard from the server, even if no job came).
export const pullArriving = () => arriving !== null;

// The server's copy of an order: arriving, else stored (null: not on this phone).
function serverCopy(id, stored) {
  if (arriving && arriving.orders.has(id)) { return arriving.orders.get(id); }
  return arriving && arriving.reset ? null : stored || null;
}

// The queued changes to show over an order's copy: those the server has applied (sent, up to the
// pull's last_seq) are inside an arriving copy already, and leave the outbox once it is stored.
function stillQueued(id, entries) {
  if (!arriving || !arriving.orders.has(id)) { return entries; }
  return entries.filter((e) => !(e.state === "sent" && e.seq <= arriving.lastSeq));
}

// One order as the phone shows it, or null when it is not (or no longer) on this phone.
export async function orderView(id) {
  const tx = shared.db.transaction(["orders", "outbox"]);
  const stored = await tx.objectStore("orders").get(id);
  const entries = await tx.objectStore("outbox").index("order_id").getAll(id);
  await tx.done;
  const order = serverCopy(id, stored);
  return order ? viewOf(order, stillQueued(id, entries)) : null;
}

// Every order on the phone as it shows them.
export async function allOrders() {
  const tx = shared.db.transaction(["orders", "outbox"]);
  const stored = await tx.objectStore("orders").getAll();
  const entries = await tx.objectStore("outbox").getAll();
  await tx.done;
  const ids = new Set(stored.map((o) => o.id).concat(arriving ? [...arriving.orders.keys()] : []));
  const byId = new Map(stored.map((o) => [o.id, o]));
  return [...ids].map((id) => serverCopy(id, byId.get(id))).filter(Boolean)
    .map((o) => viewOf(o, stillQueued(o.id, entries.filter((e) => e.order_id === o.id))));
}

// The server's version of an order, which a change is based on (null for an order not held).
export async function baseVersion(id) {
  const stored = serverCopy(id, await shared.db.get("orders", id));
  return stored ? stored.version : null;
}

// The version the server will give the order once this phone's changes to it still in the outbox are applied: its
// server copy's version, plus one for each lifecycle step waiting there (pending, or applied and not yet pulled back).
// A step is the only change a phone makes that counts a version (webapp/orders/store.py; notes, photos and readings
// do not). A report signed offline after a queued "restored" names this version, so its hash is the one the server
// stores (fresh review: every offline sign-off was recorded as "phone hash does not match"). Null for an order not held.
export async function expectedVersion(id) {
  const base = await baseVersion(id);
  if (base === null) { return null; }
  const waiting = await shared.db.getAllFromIndex("outbox", "order_id", id);
  return base + waiting.filter((e) => e.name === "order.transition").length;
}

// Reference data the server sent with the briefcase: "lifecycle", "playbooks", "wifi", "leds".
export async function reference(id) {
  if (arriving && arriving.reference.has(id)) { return arriving.reference.get(id); }
  const row = arriving && arriving.reset ? null : await shared.db.get("reference", id);
  return row ? row.data : null;
}

// The lifecycle actions open to the technician on this view of the order (domain reference §6.12).
export async function nextSteps(order) {
  const lifecycle = await reference("lifecycle");
  if (!lifecycle) { return []; }
  return lifecycle.actions.filter((a) => a.sources.includes(order.state) && (a.name !== "resume" || order.resume_state));
}

// The state an action leads to from this view ("resume" returns to where the order was).
export function targetOf(action, order) { return action.name === "resume" ? order.resume_state : action.target; }
