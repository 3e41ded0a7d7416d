// The job page's visit, step by step in the seeds' order (domain reference §6.2, §6.12, §9.2
// #15–17): accept, appointment, set off, arrive, diagnose, restored (with what was found and
// done), the customer confirms and signs, the closure reply last. Each step keeps its own row,
// but a redraw can still bring another step's button under the finger, so the step buttons and
// "undo" are marked data-records: a double tap records one step (double-tap.js). A step still
// waiting to be sent can be taken back. Forms are checked here before anything is queued, and
// what was typed is kept (drafts.js) through errors, redraws and reloads.
import { html, nothing } from "../html.js";
import { boot, shared } from "../context.js";
import { colon, t, label, lang, LED_WORDS } from "../i18n.js";
import { local, localInput, nowInput, when } from "../time.js";
import { nextSteps, reference, targetOf } from "../order-view.js";
import { queue, StepNotOpen, undoableStep, withdraw } from "../outbox.js";
import { dropDraft, keepDraft, loadDraft } from "../drafts.js";
import { datetime, field, formFields, select, signKey, textarea } from "../ui.js";
import { readTyped } from "../readings.js";
import { recorded } from "../double-tap.js";

const R = self.ONTrackRunner;
// Causes the server refuses as not specific (webapp/orders/forms.py ClosureForm.validate_cause).
const VAGUE_CAUSES = ["unknown", "none", "n/a", "不详", "未知", "无"];

function showFormError(form, text) {
  let error = form.querySelector(":scope > .error");
  if (!error) {
    error = form.insertBefore(document.createElement("p"), form.lastElementChild);
    error.className = "error";
    error.setAttribute("role", "alert");
  }
  error.textContent = text;
  error.hidden = !text;
}

// The mistake in a form the server would refuse, in words, or "" (issue 15 item 12).
function mistakeIn(form, fields) {
  const blank = [...form.querySelectorAll("[required]")].find((control) => control.type !== "checkbox" && !String(control.value).trim());
  if (blank) {
    const title = blank.closest("label") ? blank.closest("label").querySelector("span").textContent.replace(/\s*\*$/, "") : blank.name;
    return t("Fill in “%(field)s”.", { field: title });
  }
  const unticked = [...form.querySelectorAll("input[type=checkbox][required]")].find((box) => !box.checked);
  if (unticked) {
    if (unticked.dataset.unticked) { return unticked.dataset.unticked; }
    return form.dataset.installation ? t("Tell the account holder and the contact-phone holder that the service is installed and working, then tick it.")
      : t("Tell the account holder and the contact-phone holder that the service is repaired, then tick it.");
  }
  if (form.dataset.form === "make_appointment") {
    if (fields.appointment_end <= fields.appointment_start) { return t("The appointment must end after it starts."); }
    if (fields.appointment_end <= nowInput()) { return t("The appointment window is already over; choose a time in the future."); }
  }
  if (form.dataset.form === "return" && form.dataset.installation) { return installationMistake(fields); }
  if (form.dataset.form === "return") {
    const cause = (fields.cause || "").trim();
    if (VAGUE_CAUSES.includes(cause.toLowerCase()) || cause.length < 4) { return t("The cause must be specific: say what was wrong."); }
    // Replaced equipment is listed in the rows or declared none (ClosureForm.validate, issue 21 item 3).
    const listed = Object.keys(fields).some((name) => /^equipment-\d+-(faulty_model|new_model)$/.test(name) && String(fields[name]).trim());
    if (!listed && !fields.no_equipment_replaced && !String(fields.equipment_replaced || "").trim()) {
      return t("List the replaced equipment, or tick “no equipment was replaced”.");
    }
  }
  return "";
}

// ONT received optical power, standard range (domain reference §4.1): InstallationReplyForm.RX_POWER_RANGE.
const RX_POWER_RANGE = [-28, -8];

// What the server would refuse in an installation's reply (webapp/orders/forms.py InstallationReplyForm);
// the readings are replaced by the numbers read, so "－21.5 dBm" goes as -21.5.
function installationMistake(fields) {
  if (!String(fields.loid || "").trim() && !String(fields.registration_sn || "").trim()) {
    return t("Give the LOID or the SN the ONT registered with.");
  }
  const power = readTyped(fields.rx_power, "dBm");
  if (power.error) { return `${t("Received optical power (dBm)")}${colon}${power.error}`; }
  if (power.value < RX_POWER_RANGE[0] || power.value > RX_POWER_RANGE[1]) {
    return t("A received optical power of %(value)s dBm is outside the standard range of -28 to -8 dBm: fix the line before the installation is accepted.",
      { value: String(power.value) });
  }
  const speed = readTyped(fields.download_mbps, "Mbps");
  if (speed.error) { return `${t("Download speed measured (Mbit/s)")}${colon}${speed.error}`; }
  if (speed.value < 0) { return t("Give the download speed measured, in Mbit/s."); }
  fields.rx_power = String(power.value);
  fields.download_mbps = String(speed.value);
  return "";
}

async function submitAction(event, order) {
  event.preventDefault();
  const form = event.target;
  const fields = formFields(form);
  const mistake = mistakeIn(form, fields);
  showFormError(form, mistake);
  if (mistake) { return; }
  Object.keys(fields).forEach((name) => { if (typeof fields[name] === "string") { fields[name] = fields[name].trim(); } });
  const reason = fields.reason || "";
  delete fields.reason;
  const args = { order_id: order.id, to: form.dataset.to, action: form.dataset.form };
  if (reason) { args.reason = reason; }
  if (Object.keys(fields).length) { args.fields = fields; }
  recorded();
  try {
    await queue(order.id, "order.transition", args, null, { drawnFor: order.state });
  } catch (error) {
    if (!(error instanceof StepNotOpen)) { throw error; }
    // The page was older than the phone's outbox: it is drawn as the job now is, and says why nothing happened.
    await shared.render();
    const box = document.getElementById("steps-error");
    if (box) { box.textContent = t("This step is no longer open: it was taken in another tab, or the job changed. The page now shows where the job is."); box.hidden = false; }
    return;
  }
  await dropDraft(order.id, form.dataset.form);
}

const installing = (order) => order.order_type === "installation";

// A step's words: an installation is not repaired but installed and working (§7.3 step 7, §6.2 rule 4).
const stepWord = (order, name) => (name === "restore" && installing(order) ? t("Installed and working") : label("action", name));

// "预约" makes the appointment; once one exists the same step moves it, and says so ("改约", issue 15 item 15).
const buttonWord = (order, action) => (action.name === "make_appointment" && order.state === "appointed"
  ? t("Change the appointment") : stepWord(order, action.name));

const actionForm = (order, action, inner, primary) => html`<form class="action-form" data-form=${action.name}
    data-installation=${installing(order) ? "1" : nothing}
    data-to=${targetOf(action, order)} novalidate @submit=${(e) => submitAction(e, order)} @input=${keepDraft(order.id, action.name)}
    @change=${keepDraft(order.id, action.name)}>${inner || nothing}
  <button class="btn wide ${primary ? "primary" : ""}" type="submit" data-action=${action.name} data-records>${buttonWord(order, action)}</button></form>`;

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
const optionalTime = (name, pre) => html`<input type="datetime-local" name=${name} .defaultValue=${pre[name] || ""}>`;
const quantity = (name, pre) => html`<input type="number" name=${name} min="1" max="999" inputmode="numeric" .defaultValue=${pre[name] || ""}>`;
const rowText = (name, pre) => html`<input name=${name} maxlength="60" .defaultValue=${pre[name] || ""}>`;

// What an installation leaves on site (issue 21 item 10): the ONT with the LOID or SN it registered with, the router.
function installedFields(order, pre) {
  const input = (name, value) => html`<input name=${name} maxlength="40" autocapitalize="characters" .defaultValue=${pre[name] || value || ""}>`;
  return html`<fieldset class="closure-rows" id="closure-installed"><legend>${t("Installed equipment")}</legend><div class="grid">
    ${field(t("ONT model installed"), input("installed_ont_model", order.ont_model))}
    ${field(t("ONT serial number"), input("installed_ont_serial", order.ont_serial), true)}
    ${field(t("LOID used for registration"), input("loid"))}
    ${field(t("SN used for registration"), input("registration_sn"))}
    ${field(t("Router model"), input("router_model"))}
    ${field(t("Router serial number"), input("router_serial"))}</div></fieldset>`;
}

function specialtyRows(pre) {
  return html`<fieldset class="closure-rows" id="closure-specialties"><legend>${t("Other specialties involved")}</legend>
    ${[...Array(SPECIALTY_ROWS).keys()].map((i) => html`<div class="grid">
      ${field(t("Other specialty involved"), rowText(`specialties-${i}-specialty`, pre))}
      ${field(t("Arrived"), optionalTime(`specialties-${i}-arrival_time`, pre))}
      ${field(t("Recovered"), optionalTime(`specialties-${i}-recovery_time`, pre))}</div>`)}</fieldset>`;
}

function equipmentRows(pre) {
  // "None replaced" first: the usual answer, one tap, before three rows of model and quantity.
  return html`<fieldset class="closure-rows" id="closure-equipment"><legend>${t("Equipment replaced")}</legend>
    <label class="check"><input type="checkbox" name="no_equipment_replaced" value="y" ?checked=${pre.no_equipment_replaced === true}> ${t("No equipment was replaced")}</label>
    ${[...Array(EQUIPMENT_ROWS).keys()].map((i) => html`<div class="grid equipment-row">
      ${field(t("Faulty model"), rowText(`equipment-${i}-faulty_model`, pre))}
      ${field(t("Quantity"), quantity(`equipment-${i}-faulty_qty`, pre))}
      ${field(t("Replacement model"), rowText(`equipment-${i}-new_model`, pre))}
      ${field(t("Quantity"), quantity(`equipment-${i}-new_qty`, pre))}</div>`)}</fieldset>`;
}

const lastEvent = (order, action) => order.events.filter((e) => e.action === action).pop();

// An installation's closure reply (装机回单, §6.2, §7.3 steps 6–7): what was installed and opened, on which port,
// the commissioning tests and the acceptance; no fault fields (webapp/orders/forms.py InstallationReplyForm).
function installationReplyForm(order, action, draft) {
  const arrived = lastEvent(order, "arrive");
  const restored = lastEvent(order, "restore");
  const said = (restored || {}).details || {};
  const now = nowInput();
  const pre = Object.assign({}, said.done ? { handling_process: said.done } : {}, draft);
  const reading = (name, signed) => html`<span class="signed"><input name=${name} type="text" inputmode="decimal" autocomplete="off"
    required .defaultValue=${pre[name] || ""}>${signed ? signKey() : nothing}</span>`;
  return actionForm(order, action, html`
    ${field(t("Arrival time"), datetime("arrival_time", pre.arrival_time || (arrived ? localInput(arrived.at) : nowInput())), true)}
    ${field(t("What was installed and opened"), textarea("handling_process", true, pre.handling_process), true)}
    ${installedFields(order, pre)}
    ${field(t("Access port (splitter / OBD port)"), html`<input name="port" maxlength="60" required .defaultValue=${pre.port || ""}>`, true)}
    <fieldset class="closure-rows" id="closure-tests"><legend>${t("Commissioning tests")}</legend><div class="grid">
      ${field(t("Received optical power (dBm)"), reading("rx_power", true), true)}
      ${field(t("Download speed measured (Mbit/s)"), reading("download_mbps", false), true)}</div>
      ${field(t("Other services tested (IPTV, voice …)"), textarea("other_tests", false, pre.other_tests))}</fieldset>
    ${field(t("Installed and working at"), datetime("recovery_time", pre.recovery_time || (restored ? localInput(restored.at) : now)), true)}
    <label class="check"><input type="checkbox" name="customer_accepted" value="y" required ?checked=${pre.customer_accepted === true}
      data-unticked=${t("The customer tests the service and accepts it; then tick it.")}> ${t("The customer tested the service and accepted it")}</label>
    ${replyEnding(order, pre, now, { handler: t("Installed by"), phone: t("Installer's phone"), confirmedBy: t("Installation confirmed by"),
      holderTold: t("The account holder and contact-phone holder were told the service is installed and working") })}`, true);
}

// The closure reply, last: pre-filled from what the technician wrote on restoring, then the guide's run.
function closureForm(order, action, playbooks, draft) {
  if (installing(order)) { return installationReplyForm(order, action, draft); }
  const arrived = lastEvent(order, "arrive");
  const said = (lastEvent(order, "restore") || {}).details || {};
  const now = nowInput();
  const lastRun = (order.runs || []).slice(-1)[0];
  const followed = lastRun && playbooks ? R.treeFor(playbooks, lastRun.playbook_version) : null;  // the guide version the run followed
  const run = followed && followed.outcomes[lastRun.outcome] ? R.closureFrom(playbooks, lastRun, lang, LED_WORDS) : {};
  const pre = Object.assign({}, run, said.found ? { cause: said.found } : {}, said.done ? { handling_process: said.done } : {}, draft);
  return actionForm(order, action, html`
    ${lastRun && run.cause !== undefined ? html`<p class="muted small" id="closure-prefilled">${t("Filled in from the fault-finding run; check and correct it.")}</p>` : nothing}
    ${field(t("Fault phenomenon"), textarea("phenomenon", true, pre.phenomenon), true)}
    ${field(t("Arrival time"), datetime("arrival_time", pre.arrival_time || (arrived ? localInput(arrived.at) : nowInput())), true)}
    ${field(t("Cause"), textarea("cause", true, pre.cause), true)}
    ${field(t("Handling process"), textarea("handling_process", true, pre.handling_process), true)}
    ${specialtyRows(pre)}
    ${equipmentRows(pre)}
    ${field(t("Result"), resultSelect(pre.result === undefined ? run.result : pre.result))}
    ${field(t("Recovery time"), datetime("recovery_time", pre.recovery_time || now), true)}
    ${field(t("Fault classification"), select("classification", boot.closure_classes, pre.classification))}
    ${replyEnding(order, pre, now, { handler: t("Handled by"), phone: t("Handler's phone"), confirmedBy: t("Restoration confirmed by"),
      holderTold: t("The account holder and contact-phone holder were told the service is repaired") })}`, true);
}

// What both closure replies end with (webapp/orders/forms.py ReplyForm), in the words of the order's type: who
// handled it and their phone (§6.4), why the customer did not sign, how it was confirmed — an enterprise line by the
// customer or the NMS, a home line by telling the account holder (§9.2 item 16, §6.2 rule 4) — and by whom and when:
// for an enterprise line the customer-service agent or the NMS duty officer, required; for a home line who was told.
// words: {handler, phone, confirmedBy, holderTold}.
function replyEnding(order, pre, now, words) {
  const enterprise = order.access_type === "enterprise";
  const unsigned = !(order.signoffs || []).length;
  return html`<div class="grid">${field(words.handler, html`<input name="handler" maxlength="80" .defaultValue=${pre.handler || boot.user.name || ""}>`)}
      ${field(words.phone, html`<input name="handler_phone" type="tel" inputmode="tel" maxlength="20" .defaultValue=${pre.handler_phone || boot.user.phone || ""}>`)}</div>
    ${unsigned ? field(t("Why the customer did not sign"), textarea("unsigned_reason", true, pre.unsigned_reason), true) : nothing}
    ${enterprise ? field(words.confirmedBy, select("confirmation", boot.closure_confirmations, pre.confirmation)) :
      html`<label class="check"><input type="checkbox" name="holder_informed" value="y" required ?checked=${pre.holder_informed === true}>
        ${words.holderTold}</label>`}
    <div class="grid">
    ${field(t("Confirmed by (name)"), html`<input name="confirmed_by" maxlength="80" ?required=${enterprise} .defaultValue=${pre.confirmed_by || ""}>`, enterprise)}
    ${field(t("Confirmed at"), html`<input type="datetime-local" name="confirmed_at" ?required=${enterprise} value=${pre.confirmed_at || now}>`, enterprise)}</div>`;
}

function appointmentForm(order, action, draft) {
  const moving = order.state === "appointed";
  return actionForm(order, action, html`
    ${field(t("From"), datetime("appointment_start", draft.appointment_start || localInput(order.appointment_start)), true)}
    ${field(t("Until"), datetime("appointment_end", draft.appointment_end || localInput(order.appointment_end)), true)}
    ${moving ? field(t("Reason for the change"), textarea("reason", true, draft.reason), true) : nothing}`, !moving);
}

// Restoring asks first what was found and what was done (issue 15 item 2): the customer signs these words.
function restoreForm(order, action, playbooks, draft) {
  const lastRun = (order.runs || []).slice(-1)[0];
  const followed = lastRun && playbooks ? R.treeFor(playbooks, lastRun.playbook_version) : null;
  const conclusion = followed && followed.outcomes[lastRun.outcome] ? followed.outcomes[lastRun.outcome].text[lang] : "";
  return actionForm(order, action, html`
    ${conclusion ? html`<p class="muted small" id="restore-guide">${t("The guide concluded")}${colon}${conclusion}</p>` : nothing}
    ${field(installing(order) ? t("What you found on site") : t("What you found"), textarea("found", true, draft.found), true)}
    ${field(installing(order) ? t("What you installed and set up") : t("What you did"), textarea("done", true, draft.done), true)}`, true);
}

async function undo(seq) {
  recorded();
  const done = await withdraw(seq);
  const box = document.getElementById("steps-error");
  if (done === "withdrawn" || !box) { return; }
  box.textContent = done === "sending" ? t("This step is being sent right now; it can no longer be taken back.")
    : t("This step can no longer be taken back: it was sent or taken back already, maybe in another tab. The page now shows where the job is.");
  box.hidden = false;
}

// A done row keeps the place of its "undo" button whether it shows or not: the button goes when the step is
// sent, a moment after the tap, and the words beside it must not then wrap onto fewer lines and move the rows.
const doneRow = (name, words, at, undoable) => html`<li class="step done" data-step=${name}><span class="step-mark" aria-hidden="true">✓</span>
  <span class="step-words">${words}${at ? html` <time>${when(at)}</time>` : nothing}</span>
  <span class="step-undo">${undoable ? html`<button class="btn small undo" type="button" data-undo=${name} data-records @click=${() => undo(undoable.seq)}>${t("Undo")}</button>` : nothing}</span></li>`;
const laterRow = (name, words) => html`<li class="step later" data-step=${name}><span class="step-mark" aria-hidden="true">○</span><span class="step-words">${words}</span></li>`;
const nowRow = (name, body) => html`<li class="step now" data-step=${name}>${body}</li>`;

// One row per step of the visit: done (with its time, and "undo" while it waits to be sent), open now, or later.
async function visitRows(order, byName, playbooks) {
  const pending = await undoableStep(order.id);
  const undoable = (action) => (pending && pending.args.action === action ? pending : null);
  const draft = async (name) => loadDraft(order.id, name);
  const signed = (order.signoffs || []).length > 0;
  // The appointment's row says the window booked, not only when it was made (review r67: after 已出发 it said 06:23).
  // A window ending another day says that day too (review r68: 22:00–01:00 read as ending the same day).
  const booked = () => {
    const [start, end] = [local(order.appointment_start), local(order.appointment_end)];
    const until = !end ? "" : start && start.date === end.date ? end.time : `${end.date.slice(5)} ${end.time}`;
    return `${label("action", "make_appointment")} ${when(order.appointment_start)}–${until}`;
  };
  const lifecycle = (name) => {
    const event = lastEvent(order, name);
    if (byName[name]) { return null; }  // open now: drawn by the caller
    const words = name === "make_appointment" && order.appointment_start ? booked() : stepWord(order, name);
    return event ? doneRow(name, words, event.at, undoable(name)) : laterRow(name, stepWord(order, name));
  };
  const rows = [];
  for (const name of ["accept", "make_appointment", "depart", "arrive"]) {
    if (byName[name] && name === "make_appointment") {
      const done = lastEvent(order, name);
      rows.push(done ? html`${doneRow(name, booked(), done.at, undoable(name))}
        <li class="step change"><details><summary>${t("Change the appointment")}</summary>${appointmentForm(order, byName[name], await draft(name))}</details></li>`
        : nowRow(name, html`<h2>${t("Appointment")}</h2>${appointmentForm(order, byName[name], await draft(name))}`));
    } else {
      rows.push(lifecycle(name) || nowRow(name, actionForm(order, byName[name], null, true)));
    }
  }
  const runs = order.runs || [];
  const diagnosed = runs.length > 0 || !!lastEvent(order, "restore");
  // An installation installs and commissions (its steps below); a repair finds the fault (the guides below).
  const [work, workLink, workHref] = installing(order)
    ? [t("Installation and commissioning"), t("Install and commission: the steps below"), "#installation-steps"]
    : [t("Fault-finding"), t("Find the fault: the guides below"), "#diagnosis"];
  rows.push(diagnosed ? doneRow("diagnose", work, runs.length ? runs[runs.length - 1].occurred_at : null, null)
    : order.state === "on_site" ? nowRow("diagnose", html`<a class="btn wide" href=${workHref}>${workLink} ↓</a>`)
      : laterRow("diagnose", work));
  rows.push(byName.restore ? nowRow("restore", restoreForm(order, byName.restore, playbooks, await draft("restore"))) : lifecycle("restore"));
  const sign = signed ? doneRow("sign", t("Customer sign-off"), order.signoffs[order.signoffs.length - 1].signed_at, null)
    : ["restored", "returned"].includes(order.state) ? nowRow("sign", html`<a class="btn wide primary" href="#signoff">${t("The customer confirms and signs")} ↓</a>`)
      : laterRow("sign", t("Customer sign-off"));
  rows.push(sign);
  rows.push(byName.return ? nowRow("return", html`<h2>${t("Closure reply")}</h2>${signed ? nothing
    : html`<p class="muted small">${t("Without a signature, say why the customer did not sign.")}</p>`}${closureForm(order, byName.return, playbooks, await draft("return"))}`)
    : lifecycle("return"));
  return rows;
}

const tucked = (order, action, inner) => html`<details class="card"><summary>${label("action", action.name)}</summary>${actionForm(order, action, inner)}</details>`;

// {main, extra}: the visit's steps for the next-step section, and reject/unsolved for lower on the page.
export async function actionsView(order) {
  const byName = Object.fromEntries((await nextSteps(order)).map((a) => [a.name, a]));
  const playbooks = await reference("playbooks");
  const extra = [];
  if (byName.reject) {
    const draft = await loadDraft(order.id, "reject");
    extra.push(tucked(order, byName.reject, field(t("Reason"), textarea("reason", true, draft.reason), true)));
  }
  if (byName.mark_unsolved) {
    const draft = await loadDraft(order.id, "mark_unsolved");
    extra.push(tucked(order, byName.mark_unsolved, html`${field(t("Why it cannot be solved now"), textarea("reason", true, draft.reason), true)}
      ${field(t("Expected resolution date"), html`<input type="date" name="legacy_expected_date" value=${draft.legacy_expected_date || ""}>`)}
      <label class="check"><input type="checkbox" name="no_expected_date" value="y" ?checked=${draft.no_expected_date === true}> ${t("No expected resolution date")}</label>`));
  }
  const resume = byName.resume ? actionForm(order, byName.resume, null, true) : nothing;
  const main = html`${resume}<ol class="visit-steps">${await visitRows(order, byName, playbooks)}</ol><p class="error" id="steps-error" role="alert" hidden></p>`;
  return { main, extra };
}
