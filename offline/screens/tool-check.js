// The tool checklist at the start of a visit (domain reference §9.6 item 33; issue 21 item 6): the tools
// the procedures use (webapp/measurements/tools.json, carried as reference data "tools"), ticked on
// the phone before the work starts, offline too, and kept with the order (order.tool_check). A tool
// left unticked is recorded as missing with the technician's reason; it does not stop the visit.
import { html, nothing } from "../html.js";
import { shared } from "../context.js";
import { t, lang } from "../i18n.js";
import { when } from "../time.js";
import { reference } from "../order-view.js";
import { queue } from "../outbox.js";
import { pendingMark, showError } from "../ui.js";

const S = self.ONTrackStore;
// Before the work starts: from the order's arrival on the phone until the technician is on site.
const BEFORE_WORK = ["dispatched", "accepted", "appointed", "en_route", "on_site"];

async function saveCheck(event, o, list) {
  event.preventDefault();
  const form = event.target;
  const carried = [...form.querySelectorAll("input[name=tool]:checked")].map((box) => box.value);
  const note = form.elements.note.value.trim();
  if (carried.length < list.items.length && !note) {
    showError("tool-error", t("Say why a tool is missing and how you will manage without it."));
    form.elements.note.focus();
    return;
  }
  showError("tool-error", "");
  shared.toolCheckOpen = false;
  await queue(o.id, "order.tool_check", { order_id: o.id, check_id: S.uuid(), carried, note });
}

function reopen() { shared.toolCheckOpen = true; shared.render(); }

function checklistForm(o, list, last) {
  const had = last ? last.carried : null;
  return html`<form id="tool-form" @submit=${(e) => saveCheck(e, o, list)}>
    <p class="muted">${t("Tick each tool you carry and that works, before the work starts.")}</p>
    ${list.items.map((item) => html`<label class="check big-touch"><input type="checkbox" name="tool" value=${item.id}
      ?checked=${had ? had.includes(item.id) : false}> ${item[lang]}</label>`)}
    <label class="field"><span>${t("A tool is missing: why, and how you will manage")}</span>
      <textarea name="note" rows="2" maxlength="500"></textarea></label>
    <p class="error" id="tool-error" role="alert" hidden></p>
    <button class="btn primary wide big-touch" type="submit">${t("Tools checked")}</button></form>`;
}

// The job page's tool checklist card (nothing once the work is over and no check was made).
export async function toolCheckView(o) {
  const list = await reference("tools");
  const last = o.tool_check;
  if (!list || (!last && !BEFORE_WORK.includes(o.state))) { return nothing; }
  if (last && !shared.toolCheckOpen) {
    const missing = last.missing || list.items.map((i) => i.id).filter((id) => !last.carried.includes(id));  // queued: worked out here
    const names = (ids) => ids.map((id) => (list.items.find((i) => i.id === id) || { [lang]: id })[lang]).join("、");
    return html`<section class="card" id="tool-check" data-checked="1"><h2>${t("Tool checklist")}</h2>
      <p><time>${when(last.occurred_at)}</time>${pendingMark(last)}</p>
      ${missing.length ? html`<p class="error">${t("Missing")}${lang === "en" ? ": " : "："}${names(missing)}</p><p class="muted">${last.note}</p>`
        : html`<p class="chip ok">${t("Every tool on the list")}</p>`}
      ${BEFORE_WORK.includes(o.state) ? html`<button class="btn" type="button" @click=${reopen}>${t("Check again")}</button>` : nothing}</section>`;
  }
  return html`<section class="card" id="tool-check"><h2>${t("Tool checklist")}</h2>${checklistForm(o, list, last)}</section>`;
}
