// "Needs attention": changes the server refused or that conflicted, with what happened, until
// the technician has read them (design/sync-protocol.md, "Conflicts").
import { html, nothing } from "../html.js";
import { shared } from "../context.js";
import { colon, t, label, lang, LED_WORDS } from "../i18n.js";
import { when } from "../time.js";
import { stateChip } from "../ui.js";
import { recorded } from "../double-tap.js";

// The lights of an LED check or confirmation as the technician said them: "POWER steady on, LOS off, …".
const lights = (states) => (states || []).map((s) => `${s.label} ${LED_WORDS[s.state] || s.state}`).join(lang === "en" ? ", " : "、");

// What a refused or conflicting change was, by its mutation name (every name the outbox sends), with what it
// said: the technician reads here what was not applied (review r7: an LED confirmation was listed as "Photo").
const WHAT = {
  "order.transition": (a) => label("action", a.action),
  "order.add_note": (a) => `${t("Progress note")}${colon}“${a.text}”`,
  "order.record_run": () => t("Fault-finding result"),
  "order.sign_off": (a) => `${t("Customer sign-off")}${colon}${a.signer_name}`,
  "order.wifi_survey": () => t("Wi-Fi survey"),
  "order.led_check": (a) => (a.tapped ? `${t("LED photo check")}${colon}${lights(a.tapped.filter((s) => s.state !== "unsure"))}` : t("LED photo check")),
  "order.led_confirm": (a) => `${t("LED confirmation")}${colon}${lights(a.states)}`,
  "order.add_loop_test": (a) => `${t("Loop test")}${colon}${a.loop_point}`,
  "order.add_participant": (a) => `${t("Participants")}${colon}${a.name}`,
  "order.tool_check": () => t("Tool checklist"),
  "order.attach_capture": (a) => `${t("Capture")}${colon}${a.file_name}`,
  "order.attach_photo": (a) => (a.caption ? `${t("Photo")}${colon}“${a.caption}”` : t("Photo")),
};

function what(item) {
  const words = WHAT[item.name];
  return words ? words(item.args) : item.name;
}

// Between two sentences: a space in English, nothing after a Chinese full stop (review r17: "记录。 照片…").
const sentenceGap = lang === "en" ? " " : "";

// "Understood" is marked data-records: dismissing one item moves the next one's button up under the finger,
// and a double tap must not dismiss an item nobody has read (double-tap.js).
async function dismiss(seq) {
  recorded();
  await shared.db.delete("attention", seq);
  await shared.render();
}

// `orderNo`: the order's number as the phone holds it (a refused change brings no server row: review r16 read "#265").
const itemView = (i, orderNo) => {
  const row = i.server_row || {};
  return html`<li class="attention-item ${i.status}" data-seq=${i.seq}>
    <p><b>${row.order_no || orderNo || `#${i.order_id}`}</b> · ${what(i)} · <small>${when(i.occurred_at)}</small></p>
    <p>${i.status === "conflict" ? t("Not applied: the order changed meanwhile.") : t("Refused by the server.")}${i.error ? sentenceGap + i.error : ""}</p>
    ${row.state ? html`<p>${t("Now")}${colon}${stateChip(row.state)}</p>` : nothing}
    <button class="btn" type="button" data-dismiss=${i.seq} data-records @click=${() => dismiss(i.seq)}>${t("Understood")}</button></li>`;
};

// The section for one order (orderId) or for all (null); nothing when there is nothing to read.
export async function attentionView(orderId) {
  let items = await shared.db.getAll("attention");
  if (orderId) { items = items.filter((i) => i.order_id === orderId); }
  if (!items.length) { return nothing; }
  const held = await Promise.all(items.map((i) => shared.db.get("orders", i.order_id)));
  return html`<section class="card attention" id="attention"><h2>${t("Needs attention")} <span class="badge">${items.length}</span></h2>
    <ul>${items.map((i, k) => itemView(i, held[k] && held[k].order_no))}</ul></section>`;
}
