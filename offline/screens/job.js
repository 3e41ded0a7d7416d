// The job page: the customer, the next step, fault-finding, LED check, Wi-Fi, sign-off, the
// order's details, progress notes, photos, earlier orders at the address and the timeline.
// Each section comes from its own module; this one draws the page around them.
import { html, nothing } from "../html.js";
import { boot, shared } from "../context.js";
import { colon, t, label } from "../i18n.js";
import { local, when } from "../time.js";
import { orderView, reference } from "../order-view.js";
import { queue } from "../outbox.js";
import { photoSrc, problemWords, sha256, shrink } from "../photos.js";
import { dueMark, fillTemplate, pendingMark, showError, smsHref, stateChip, stateWords, telHref } from "../ui.js";
import { attentionView } from "./attention.js";
import { actionsView } from "./job-actions.js";
import { diagnosisView } from "./fault-finding.js";
import { ledView } from "./led-check.js";
import { wifiView } from "./wifi-survey.js";
import { toolCheckView } from "./tool-check.js";
import { initPads, signoffView } from "./signoff.js";
import { enterpriseView } from "./enterprise-line.js";
import { installationStepsView } from "./installation-steps.js";

const S = self.ONTrackStore;

function detailsView(o) {
  const rows = [
    [t("Type"), `${label("order_type", o.order_type)} · ${label("access_type", o.access_type)} · ${label("priority", o.priority)}`],
    [t("Symptom"), label("symptom", o.symptom) + (o.dialup_error ? ` ${o.dialup_error}` : "")],
    [t("Customer"), o.customer_name + (o.contact_name ? ` · ${o.contact_name}` : "")],
    [t("Contact phone"), o.contact_phone],
    [t("Broadband account"), o.broadband_account || "—"],
    [t("Address"), o.address],
    [t("Equipment"), `${o.ont_model || "—"} ${o.ont_serial || ""} · OLT ${o.olt || "—"} · PON ${o.pon_port || "—"} · ${t("Splitter")} ${o.splitter || "—"}`],
  ];
  if (o.installed) {
    const i = o.installed;
    rows.push([t("On site since the installation"), `ONT ${i.ont_model || "—"} ${i.ont_serial}` + (i.loid ? ` · LOID ${i.loid}` : "") +
      (i.registration_sn ? ` · SN ${i.registration_sn}` : "") + ` · ${t("Router")} ${i.router_model || "—"} ${i.router_serial || ""}`]);
  }
  if (o.appointment_start) { rows.push([t("Appointment"), `${when(o.appointment_start)} – ${(local(o.appointment_end) || {}).time}`]); }
  // Always a row: the next deadline is the server's to compute, so a step taken on the phone can end it only when it
  // has synced, and a row that went then would move the notes and photos below it.
  rows.push([t("Due"), o.next_due_at ? dueMark(o) : "—"]);
  if (o.description) { rows.push([t("Description"), o.description]); }
  return html`<section class="card"><dl class="details">${rows.map(([dt, dd]) => html`<dt>${dt}</dt><dd>${dd}</dd>`)}</dl></section>`;
}

// The appointment SMS in the city's template (boot.sms_template, ONTRACK_SMS_TEMPLATE): who comes, when, and the
// technician's own number, so the customer calls them instead of 10086 (§6.2 #2; §9.2 item 13).
function appointmentSms(o) {
  const start = local(o.appointment_start) || {};
  const end = local(o.appointment_end) || {};
  return fillTemplate(boot.sms_template, { operator: boot.operator, customer: o.contact_name || o.customer_name,
    technician: boot.user.name, phone: boot.user.phone || "", window: `${start.date || ""} ${start.time || ""}–${end.time || ""}`,
    order_no: o.order_no, date: start.date || "" });
}

// The messages app opens with the text; the order's notes keep that it was prepared (it syncs when it can).
function noteSms(o) {
  queue(o.id, "order.add_note", { order_id: o.id, note_id: S.uuid(), text: `${t("Appointment SMS prepared on the technician's phone")}${colon}${appointmentSms(o)}` });
}

async function addNote(event, o) {
  event.preventDefault();
  const form = event.target;
  const text = form.elements.text.value.trim();
  showError("note-error", text ? "" : t("Fill in “%(field)s”.", { field: t("Progress note") }));
  if (!text) { return; }
  await queue(o.id, "order.add_note", { order_id: o.id, note_id: S.uuid(), text });
  form.reset();
}

const notesView = (o) => html`<section class="card" id="notes"><h2>${t("Progress note")}</h2>
  <form id="note-form" novalidate @submit=${(e) => addNote(e, o)}><label class="field"><textarea name="text" rows="3" required maxlength="2000"
    aria-label=${t("Progress note")}></textarea></label><p class="error" id="note-error" role="alert" hidden></p>
    <button class="btn" type="submit">${t("Add note")}</button></form>
  ${o.notes.slice().reverse().map((n) => html`<p class="note"><time>${when(n.at)}</time> ${n.author || boot.user.name}${colon}${n.text}${pendingMark(n)}</p>`)}
  </section>`;

async function attachPhoto(event, o) {
  const input = event.target;
  if (!input.files.length) { return; }
  try {
    const blob = await shrink(input.files[0]);
    const sha = await sha256(blob);
    // The same bytes the server refused already (a HEIC cut short, which this phone cannot open to check): its reason
    // again at once, not a second change that comes back under "needs attention" after the sync (review r17).
    const held = await shared.db.get("blobs", sha);
    if (held && held.state === "bad") { showError("photo-error", held.error || problemWords(null)); return; }
    // The same bytes on this order already, sent or waiting (review r18: a cut HEIC picked twice offline was queued
    // twice, and both came back refused under "needs attention").
    const order = await orderView(o.id);
    if (order && order.attachments.some((a) => a.sha256 === sha)) {
      showError("photo-error", t("This photo is already on this order."));
      return;
    }
    await queue(o.id, "order.attach_photo", { order_id: o.id, photo_id: S.uuid(), sha256: sha, kind: "photo",
      caption: input.form.elements.caption.value.trim() }, [{ sha256: sha, blob, type: blob.type }]);
    input.form.reset();
    showError("photo-error", "");
  } catch (err) {
    showError("photo-error", problemWords(err));
  }
}

async function photosView(o) {
  const figures = await Promise.all(o.attachments.map(async (a) => {
    const { held, src, waiting } = await photoSrc(shared.db, a.sha256);
    const picture = waiting ? html`<div class="waiting" role="img" aria-label=${a.caption || t("Photo")}>${t("Shown once it has synced")}</div>`
      : html`<img alt=${a.caption || t("Photo")} src=${src}>`;
    return html`<figure class="photo">${picture}<figcaption>${a.caption}${pendingMark(a)}
      ${held && held.state === "bad" ? html`<small class="error">${held.error}</small>` : nothing}</figcaption></figure>`;
  }));
  return html`<section class="card" id="photos"><h2>${t("Photos")}</h2><div class="photos">${figures}</div>
    <form id="photo-form"><label class="field"><span>${t("What the photo shows")}</span><input name="caption" maxlength="200"></label>
    <label class="btn wide"><input type="file" name="photo" accept="image/*" capture="environment" hidden
      @change=${(e) => attachPhoto(e, o)}> ${t("Take a photo")}</label><p class="error" id="photo-error" hidden></p></form></section>`;
}

// An event's action in words: a second appointment is a change of appointment (改约), not another 预约.
// An installation's "restore" is the service installed and working, not repaired.
function actionWords(e, o) {
  if (e.action === "make_appointment" && e.from_state === "appointed") { return t("Changed the appointment"); }
  return e.action === "restore" && o.order_type === "installation" ? t("Installed and working") : label("action", e.action);
}

// An event's reason in words: an LED check's is the reader's codes (webapp/filters.py event_reason).
function reasonWords(e) {
  if ((e.action !== "led_check" && e.action !== "led_confirm") || !e.reason) { return e.reason; }
  if (!e.reason.includes(":")) { return e.reason.split(",").map((code) => label("led_problem", code)).join("、"); }
  const said = e.reason.split(" ").map((token) => {
    const at = token.lastIndexOf(":");
    return `${token.slice(0, at)} ${label("led_state", token.slice(at + 1))}`;
  }).join(" · ");
  // A confirmation is the technician's word, under its own "LEDs confirmed" (review r52: it showed the codes). The
  // photo's reading is said so: a light never tapped shows as the reader read it (a fresh review of 2026-12-05).
  return e.action === "led_confirm" ? said : t("Read from the photo") + colon + said;
}

function timelineView(o) {
  const events = o.events.slice().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return html`<section class="card"><h2>${t("Timeline")}</h2><ol class="timeline">${events.map((e) => html`<li><time>${when(e.at)}</time>
    ${actionWords(e, o)}${e.from_state && e.to_state && e.to_state !== e.from_state ? ` → ${stateWords(e.to_state, o.order_type)}` : ""}${e.actor ? ` · ${e.actor}` : ""}
    ${e.reason ? html`<span class="muted">${reasonWords(e)}</span>` : nothing}${pendingMark(e)}</li>`)}</ol></section>`;
}

function historyView(o) {
  if (!o.history || !o.history.length) { return nothing; }
  return html`<section class="card"><h2>${t("Earlier orders here")}</h2><ul>${o.history.map((h) => html`<li>${when(h.created_at)} ·
    ${h.order_no} · ${label("symptom", h.symptom)} · ${label("state", h.state)}${h.cause ? html`<br><small class="muted">${h.cause}</small>` : nothing}</li>`)}</ul></section>`;
}

const back = html`<p class="back-row"><a class="back" data-nav href="/jobs/">← ${t("My jobs")}</a></p>`;

// The screen for an order that is not on this phone: one whose closure reply this phone sent says it went through.
export async function missingJobScreen(id) {
  const returned = await shared.db.get("meta", "last_returned");
  const words = returned && returned.id === id
    ? html`<p class="card" id="order-returned"><strong>${t("Closure reply sent: this order is done.")}</strong>
      ${t("It has left this phone's list.")}</p>`
    : html`<p class="card">${t("This order is not on this phone: it may have been reassigned or finished.")}</p>`;
  return { title: null, view: html`${back}${await attentionView(id)}${words}` };
}

// The job page for an order view: {title, view}.
export async function jobScreen(o) {
  const playbooks = await reference("playbooks");
  const steps = await actionsView(o);
  const view = html`${back}
    <div class="order-head" data-order=${o.id}><h1>${o.customer_name}</h1><p>${stateChip(o.state, o.order_type)} <small class="muted">${o.order_no}</small></p></div>
    ${await attentionView(o.id)}
    <div class="job-buttons big"><a class="btn" href=${telHref(o.contact_phone)}>${t("Call the customer")}</a><a class="btn" href=${o.map.geo}>${t("Open in map")}</a>
      ${o.appointment_start ? html`<a class="btn" id="appointment-sms" href=${smsHref(o.contact_phone, appointmentSms(o))}
        @click=${() => noteSms(o)}>${t("Send the appointment SMS")}</a>` : nothing}</div>
    <section class="card next-step" id="next-step">${steps.main}</section>
    ${await toolCheckView(o)}${enterpriseView(o)}${await installationStepsView(o)}${await diagnosisView(o, playbooks)}${await ledView(o)}${await wifiView(o)}${await signoffView(o, playbooks)}
    ${detailsView(o)}${notesView(o)}${await photosView(o)}${steps.extra}${historyView(o)}${timelineView(o)}`;
  return { title: o.order_no, view, drawn: initPads };
}
