// "Needs attention": changes the server refused or that conflicted, with what happened, until
// the technician has read them (design/sync-protocol.md, "Conflicts").
import { html, nothing } from "../html.js";
import { shared } from "../context.js";
import { colon, t, label } from "../i18n.js";
import { when } from "../time.js";
import { stateChip } from "../ui.js";

function what(item) {
  if (item.name === "order.transition") { return label("action", item.args.action); }
  if (item.name === "order.add_note") { return `${t("Progress note")}${colon}“${item.args.text}”`; }
  return t("Photo");
}

async function dismiss(seq) {
  await shared.db.delete("attention", seq);
  await shared.render();
}

const itemView = (i) => {
  const row = i.server_row || {};
  return html`<li class="attention-item ${i.status}" data-seq=${i.seq}>
    <p><b>${row.order_no || `#${i.order_id}`}</b> · ${what(i)} · <small>${when(i.occurred_at)}</small></p>
    <p>${i.status === "conflict" ? t("Not applied: the order changed meanwhile.") : t("Refused by the server.")} ${i.error}</p>
    ${row.state ? html`<p>${t("Now")}${colon}${stateChip(row.state)}</p>` : nothing}
    <button class="btn" type="button" data-dismiss=${i.seq} @click=${() => dismiss(i.seq)}>${t("Understood")}</button></li>`;
};

// The section for one order (orderId) or for all (null); nothing when there is nothing to read.
export async function attentionView(orderId) {
  let items = await shared.db.getAll("attention");
  if (orderId) { items = items.filter((i) => i.order_id === orderId); }
  if (!items.length) { return nothing; }
  return html`<section class="card attention" id="attention"><h2>${t("Needs attention")} <span class="badge">${items.length}</span></h2>
    <ul>${items.map(itemView)}</ul></section>`;
}
