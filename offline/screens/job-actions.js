// The job page's next step: the lifecycle actions open now (accept, depart, arrive, …), the
// appointment, the closure reply (pre-filled from the last fault-finding run), reject and
// unsolved. Each is one form that queues an order.transition.
import { html, nothing } from "../html.js";
import { boot } from "../context.js";
import { t, label, lang, LED_WORDS } from "../i18n.js";
import { localInput, nowInput } from "../time.js";
import { nextSteps, reference, targetOf } from "../order-view.js";
import { queue } from "../outbox.js";
import { datetime, field, formFields, select, textarea } from "../ui.js";

const R = self.ONTrackRunner;
const QUICK = ["accept", "depart", "arrive", "restore", "resume"];

async function submitAction(event, order) {
  event.preventDefault();
  const form = event.target;
  const fields = formFields(form);
  const reason = fields.reason || "";
  delete fields.reason;
  const args = { order_id: order.id, to: form.dataset.to, action: form.dataset.form };
  if (reason) { args.reason = reason.trim(); }
  if (Object.keys(fields).length) { args.fields = fields; }
  if (args.action === "make_appointment" && fields.appointment_end <= fields.appointment_start) {
    const error = form.querySelector(".error") || form.insertBefore(document.createElement("p"), form.lastElementChild);
    error.className = "error";
    error.setAttribute("role", "alert");
    error.textContent = t("The appointment must end after it starts.");
    return;
  }
  await queue(order.id, "order.transition", args);
  form.reset();
}

const actionForm = (order, action, inner, primary) => html`<form class="action-form" data-form=${action.name}
    data-to=${targetOf(action, order)} @submit=${(e) => submitAction(e, order)}>${inner || nothing}
  <button class="btn wide ${primary ? "primary" : ""}" type="submit" data-action=${action.name}>${label("action", action.name)}</button></form>`;

// A run that ended at a conclusion the seed does not give as the repair pre-selects nothing.
function resultSelect(prefilled) {
  const results = [["recovered", t("Recovered")], ["not_recovered", t("Not recovered")]];
  if (prefilled !== "") { return select("result", results, prefilled); }
  return select("result", [["", t("Choose: the guide's conclusion is not a repair")], ...results], "", true);
}

// The EMOS reply's rows (domain reference §6.4): other specialties with their arrival and recovery
// times, and replaced equipment as faulty model × qty → replacement model × qty. Blank rows are ignored.
const SPECIALTY_ROWS = 2;
const EQUIPMENT_ROWS = 3;
const optionalTime = (name) => html`<input type="datetime-local" name=${name}>`;
const quantity = (name) => html`<input type="number" name=${name} min="1" max="999" inputmode="numeric">`;

// What an installation leaves on site (issue 21 item 10): the ONT with the LOID or SN it registered with, the router.
function installedFields(order) {
  const input = (name, value) => html`<input name=${name} maxlength="40" autocapitalize="characters" .defaultValue=${value || ""}>`;
  return html`<fieldset class="closure-rows" id="closure-installed"><legend>${t("Installed equipment")}</legend><div class="grid">
    ${field(t("ONT model installed"), input("installed_ont_model", order.ont_model))}
    ${field(t("ONT serial number"), input("installed_ont_serial", order.ont_serial), true)}
    ${field(t("LOID used for registration"), input("loid"))}
    ${field(t("SN used for registration"), input("registration_sn"))}
    ${field(t("Router model"), input("router_model"))}
    ${field(t("Router serial number"), input("router_serial"))}</div></fieldset>`;
}

function specialtyRows() {
  return html`<fieldset class="closure-rows" id="closure-specialties"><legend>${t("Other specialties involved")}</legend>
    ${[...Array(SPECIALTY_ROWS).keys()].map((i) => html`<div class="grid">
      ${field(t("Other specialty involved"), html`<input name=${`specialties-${i}-specialty`} maxlength="60">`)}
      ${field(t("Arrived"), optionalTime(`specialties-${i}-arrival_time`))}
      ${field(t("Recovered"), optionalTime(`specialties-${i}-recovery_time`))}</div>`)}</fieldset>`;
}

function equipmentRows() {
  return html`<fieldset class="closure-rows" id="closure-equipment"><legend>${t("Equipment replaced")}</legend>
    ${[...Array(EQUIPMENT_ROWS).keys()].map((i) => html`<div class="grid">
      ${field(t("Faulty model"), html`<input name=${`equipment-${i}-faulty_model`} maxlength="60">`)}
      ${field(t("Quantity"), quantity(`equipment-${i}-faulty_qty`))}
      ${field(t("Replacement model"), html`<input name=${`equipment-${i}-new_model`} maxlength="60">`)}
      ${field(t("Quantity"), quantity(`equipment-${i}-new_qty`))}</div>`)}
    <label class="check"><input type="checkbox" name="no_equipment_replaced" value="y"> ${t("No equipment was replaced")}</label></fieldset>`;
}

function closureForm(order, action, playbooks) {
  const arrived = order.events.filter((e) => e.action === "arrive").pop();
  const now = nowInput();
  const lastRun = (order.runs || []).slice(-1)[0];
  const followed = lastRun && playbooks ? R.treeFor(playbooks, lastRun.playbook_version) : null;  // the guide version the run followed
  const pre = followed && followed.outcomes[lastRun.outcome] ? R.closureFrom(playbooks, lastRun, lang, LED_WORDS) : {};
  return actionForm(order, action, html`
    ${lastRun && pre.cause !== undefined ? html`<p class="muted small" id="closure-prefilled">${t("Filled in from the fault-finding run; check and correct it.")}</p>` : nothing}
    ${field(t("Fault phenomenon"), textarea("phenomenon", true, pre.phenomenon), true)}
    ${field(t("Arrival time"), datetime("arrival_time", arrived ? localInput(arrived.at) : now), true)}
    ${field(t("Cause"), textarea("cause", true, pre.cause), true)}
    ${field(t("Handling process"), textarea("handling_process", true, pre.handling_process), true)}
    ${order.order_type === "installation" ? installedFields(order) : nothing}
    ${specialtyRows()}
    ${equipmentRows()}
    ${field(t("Result"), resultSelect(pre.result))}
    ${field(t("Recovery time"), datetime("recovery_time", now), true)}
    ${field(t("Fault classification"), select("classification", boot.closure_classes, pre.classification))}
    <div class="grid">${field(t("Handled by"), html`<input name="handler" maxlength="80" .defaultValue=${boot.user.name || ""}>`)}
      ${field(t("Handler's phone"), html`<input name="handler_phone" type="tel" inputmode="tel" maxlength="20" .defaultValue=${boot.user.phone || ""}>`)}</div>
    ${order.access_type === "enterprise" ? field(t("Restoration confirmed by"), select("confirmation", boot.closure_confirmations)) :
      html`<label class="check"><input type="checkbox" name="holder_informed" value="y" required> ${t("The account holder and contact-phone holder were told the service is repaired")}</label>`}
    ${confirmedFields(order.access_type === "enterprise", now)}`, true);
}

// Who confirmed the restoration and when (§9.2 item 16): for an enterprise line the customer-service agent or
// the NMS duty officer, required; for a home line who was told, with the time it was done.
function confirmedFields(enterprise, now) {
  return html`<div class="grid">
    ${field(t("Confirmed by (name)"), html`<input name="confirmed_by" maxlength="80" ?required=${enterprise}>`, enterprise)}
    ${field(t("Confirmed at"), html`<input type="datetime-local" name="confirmed_at" ?required=${enterprise} value=${now}>`, enterprise)}</div>`;
}

function appointmentForm(order, action) {
  const moving = order.state === "appointed";
  return html`<h2>${moving ? t("Change the appointment") : t("Appointment")}</h2>${actionForm(order, action, html`
    ${field(t("From"), datetime("appointment_start", localInput(order.appointment_start)), true)}
    ${field(t("Until"), datetime("appointment_end", localInput(order.appointment_end)), true)}
    ${moving ? field(t("Reason for the change"), textarea("reason", true), true) : nothing}`, !moving)}`;
}

const tucked = (order, action, inner) => html`<details class="card"><summary>${label("action", action.name)}</summary>${actionForm(order, action, inner)}</details>`;

// {main, extra}: the next-step section's content, and reject/unsolved for lower on the page.
export async function actionsView(order) {
  const byName = Object.fromEntries((await nextSteps(order)).map((a) => [a.name, a]));
  const main = QUICK.filter((name) => byName[name]).map((name) => actionForm(order, byName[name], null, true));
  if (byName.make_appointment) { main.push(appointmentForm(order, byName.make_appointment)); }
  if (byName.return) { main.push(html`<h2>${t("Closure reply")}</h2>${closureForm(order, byName.return, await reference("playbooks"))}`); }
  const extra = [];
  if (byName.reject) { extra.push(tucked(order, byName.reject, field(t("Reason"), textarea("reason", true), true))); }
  if (byName.mark_unsolved) {
    extra.push(tucked(order, byName.mark_unsolved, html`${field(t("Why it cannot be solved now"), textarea("reason", true), true)}
      ${field(t("Expected resolution date"), html`<input type="date" name="legacy_expected_date">`)}
      <label class="check"><input type="checkbox" name="no_expected_date" value="y"> ${t("No expected resolution date")}</label>`));
  }
  return { main: main.length ? main : html`<p class="muted">${t("Nothing for you to do on this order now.")}</p>`, extra };
}
