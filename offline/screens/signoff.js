// The customer's sign-off on the job page, offline: the visit summary, the survey of domain
// reference §9.4 #25 (nothing pre-selected), the signature(s), a report hashed on the phone
// and queued as order.sign_off; or a single-use link as a QR code for the customer's own phone.
import "/static/vendor/signature_pad-5.1.4/signature_pad.umd.min.js";  // window.SignaturePad, for signature.js
import { createPad, hasInk } from "../signature.js";
import { html, nothing, render } from "../html.js";
import { boot, shared, touched } from "../context.js";
import { t } from "../i18n.js";
import { when } from "../time.js";
import { expectedVersion, reference } from "../order-view.js";
import { queue } from "../outbox.js";
import { sha256 } from "../photos.js";
import { formFields, pendingMark, scrollToId, select, showError } from "../ui.js";
import { collect, testReportView } from "./test-report.js";

const R = self.ONTrackRunner;
const S = self.ONTrackStore;
const YES_NO = [["yes", t("yes")], ["no", t("no")]];
const ATTITUDES = [["satisfied", t("satisfied")], ["average", t("average")], ["dissatisfied", t("dissatisfied")]];
const pads = new Map();  // signature pads on screen, by canvas id; kept while the canvas stays drawn
// Orders whose "on the customer's own phone" is open: a redraw that makes the section anew (a sync's pull) keeps it
// open, so the button the technician is about to tap does not fold away under their finger.
const linkOpen = new Set();
const keepOpen = (orderId, open) => { if (open) { linkOpen.add(orderId); } else { linkOpen.delete(orderId); } };

// What the report says about the visit; the server builds the same for the customer's own phone.
export function visitSummary(o, data) {
  const closure = o.closure || {};
  const runs = o.runs || [];
  const measurements = [];
  runs.forEach((r) => {
    if (!data) { return; }
    R.describe(R.treeFor(data, r.playbook_version) || data, r.steps, "zh", boot.report_led_words).forEach((l) => {
      if (l.value != null) { measurements.push({ what: l.question, value: l.answer }); }
    });
  });
  // The technician's own words (on restoring, else in the closure reply), never the guide's
  // instruction text; webapp/signoff/content.py `written` says the same on the server.
  const said = (o.events.filter((e) => e.action === "restore").pop() || {}).details || {};
  return {
    found: said.found || closure.cause || closure.phenomenon || "",
    done: said.done || closure.process || "",
    measurements,
    photos: o.attachments.filter((a) => a.kind === "photo").map((a) => a.sha256),
  };
}

// Canonical JSON (keys sorted, no spaces): what the report hash is computed over.
function canonical(value) {
  if (Array.isArray(value)) { return `[${value.map(canonical).join(",")}]`; }
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const question = (legend, name, options) => html`<fieldset class="survey"><legend>${legend}</legend>${options.map(([value, words]) =>
  html`<label class="choice"><input type="radio" name=${name} value=${value} required> ${words}</label>`)}</fieldset>`;

const pad = (id, hint) => html`<p class="muted small">${hint}</p><canvas class="signature" id=${id} aria-label=${hint}></canvas>
  <p><button class="btn" type="button" data-clear-pad=${id} @click=${() => pads.get(id) && pads.get(id).clear()}>${t("Clear the signature")}</button></p>`;

function summaryView(s) {
  return html`<dl class="details">${s.found ? html`<dt>${t("What was found")}</dt><dd>${s.found}</dd>` : nothing}
    ${s.done ? html`<dt>${t("What was done")}</dt><dd>${s.done}</dd>` : nothing}
    ${s.measurements.map((m) => html`<dt>${m.what}</dt><dd>${m.value}</dd>`)}
    ${s.photos.length ? html`<dt>${t("Photos")}</dt><dd>${s.photos.length}</dd>` : nothing}</dl>`;
}

function formView(o, s, templates) {
  const enterprise = o.access_type === "enterprise";
  return html`<form id="signoff-form" novalidate @submit=${(e) => submit(e, o)}>${summaryView(s)}
    ${question(t("Was the problem solved?"), "solved", YES_NO)}
    ${question(t("How was the technician's attitude?"), "attitude", ATTITUDES)}
    ${question(t("Were you charged?"), "charged", YES_NO)}
    <fieldset class="survey score"><legend>${t("Your score for our service (1–10)")}</legend>${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) =>
      html`<label class="score-choice"><input type="radio" name="score" value=${n} required><span>${n}</span></label>`)}</fieldset>
    <label class="field"><span>${t("Suggestions or opinions")}</span><textarea name="suggestions" rows="2" maxlength="500"></textarea></label>
    <label class="field"><span>${t("Name of the person signing")} *</span><input name="signer_name" maxlength="40" required value=${o.contact_name || o.customer_name}></label>
    ${enterprise ? html`<label class="field"><span>${t("Signing as")}</span>${select("signer_role", [["customer", t("customer")], ["account_manager", t("account manager")]])}</label>
      ${testReportView(templates, (o.enterprise || {}).service)}` : nothing}
    ${pad("pad-customer", t("The customer signs in the box."))}
    ${enterprise ? pad("pad-tester", t("The tester signs the test report.")) : nothing}
    <p class="muted small">${t("The customer may also receive a callback or an SMS survey about this visit.")}</p>
    <p class="error" id="signoff-error" hidden></p><button class="btn primary wide" type="submit">${t("Sign and save")}</button></form>`;
}

// The job page's sign-off section, once the service is restored.
export async function signoffView(o, data) {
  if (!["restored", "returned"].includes(o.state)) { return nothing; }
  const templates = o.access_type === "enterprise" ? await reference("test_templates") : null;
  const done = (o.signoffs || []).map((x) => html`<p class="signed">${t("Signed by %(name)s", { name: x.signer_name })}${x.version ? ` · v${x.version}` : ""}
    · <code class="small">${x.report_hash.slice(0, 16)}…</code>${pendingMark(x)}${x.report_path ? html` · <a href=${x.report_path}>${t("Report")}</a>` : nothing}</p>`);
  return html`<section class="card" id="signoff"><h2>${t("Customer sign-off")}</h2>${done}
    <details class="signoff-new" ?open=${!done.length}><summary>${done.length ? t("Sign again") : t("Sign on this phone")}</summary>${formView(o, visitSummary(o, data), templates)}</details>
    <details class="signoff-link" ?open=${linkOpen.has(o.id)} @toggle=${(e) => keepOpen(o.id, e.target.open)}><summary>${t("Or on the customer's own phone")}</summary>
      ${o.access_type === "enterprise" ? html`<p class="muted small">${t("Fill in the test report and the tester's signature above first: the customer's phone shows the report.")}</p>` : nothing}
      <button class="btn wide" type="button" data-signoff-link @click=${() => showLink(o)}>${t("Show a QR code for the customer")}</button>
      <div id="signoff-qr" class="qr"></div></details></section>`;
}

// Put a signature pad (signature.js: re-fits on every resize or turn) on each signature canvas
// drawn since the last call; pads whose canvas is gone stop watching.
export function initPads() {
  for (const [id, existing] of pads) {
    if (!existing.canvas.isConnected) { existing.ontrackStop(); pads.delete(id); }
  }
  document.querySelectorAll("canvas.signature").forEach((canvas) => {
    if (pads.has(canvas.id) && pads.get(canvas.id).canvas === canvas) { return; }
    if (pads.has(canvas.id)) { pads.get(canvas.id).ontrackStop(); }
    const signature = createPad(canvas);
    signature.addEventListener("beginStroke", touched);
    pads.set(canvas.id, signature);
  });
}

const padBlob = (signature) => new Promise((resolve) => { signature.canvas.toBlob(resolve, "image/png"); });


async function submit(event, order) {
  event.preventDefault();
  const fail = (text) => showError("signoff-error", text);
  const f = formFields(event.target);
  if (!f.solved || !f.attitude || !f.charged || !f.score) { return fail(t("Answer every question: solved, attitude, charged and a score from 1 to 10.")); }
  if (!(f.signer_name || "").trim()) { return fail(t("Fill in “%(field)s”.", { field: t("Name of the person signing") })); }
  const enterprise = order.access_type === "enterprise";
  const tested = enterprise ? collect(await reference("test_templates"), (order.enterprise || {}).service, f) : null;
  if (tested && tested.problem) { return fail(tested.problem); }
  const customerPad = pads.get("pad-customer"), testerPad = pads.get("pad-tester");
  if (!hasInk(customerPad)) { return fail(t("The customer has not signed yet.")); }
  if (enterprise && !hasInk(testerPad)) { return fail(t("The tester has not signed yet.")); }
  const survey = { solved: f.solved === "yes", attitude: f.attitude, charged: f.charged === "yes", score: Number(f.score),
                   suggestions: (f.suggestions || "").trim() };
  const blob = await padBlob(customerPad), sha = await sha256(blob);
  const blobs = [{ sha256: sha, blob, type: "image/png" }];
  const report = Object.assign({ operator: boot.operator, order_no: order.order_no, order_version: await expectedVersion(order.id),
    customer: order.customer_name, address: order.address, technician: boot.user.name }, visitSummary(order, await reference("playbooks")), {
    signer: f.signer_name.trim(), signer_role: f.signer_role || "customer", survey, signature_sha256: sha,
    signed_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") });
  const args = { order_id: order.id, signoff_id: S.uuid(), signer_name: report.signer, survey, signature_sha256: sha };
  if (enterprise) {
    const tblob = await padBlob(testerPad), tsha = await sha256(tblob);
    blobs.push({ sha256: tsha, blob: tblob, type: "image/png" });
    report.test_report = { template: tested.key, template_version: tested.version, tester: boot.user.name,
      tester_signature_sha256: tsha, indicators: tested.rows, within_standard: tested.within, remark: tested.remark };
    Object.assign(args, { tester_signature_sha256: tsha, test_indicators: tested.values, test_remark: tested.remark });
  }
  args.report = report;
  args.report_hash = await sha256(new Blob([canonical(report)]));
  await queue(order.id, "order.sign_off", args, blobs);
  event.target.reset();  // a second signature starts blank, as the first did
  pads.forEach((signature) => signature.clear());
  scrollToId("signoff");
}

// An enterprise line's test report for the link, from the sign-off form above (typed and signed by the tester):
// {test_indicators, test_remark, tester_signature} or {problem}. The customer's phone shows it before they sign.
async function linkTestReport(order) {
  const form = document.getElementById("signoff-form");
  const tested = collect(await reference("test_templates"), (order.enterprise || {}).service, formFields(form));
  const testerPad = pads.get("pad-tester");
  const problem = tested.problem || (!hasInk(testerPad) ? t("The tester has not signed yet.") : "");
  if (problem) {
    form.closest("details").open = true;  // where the report is filled in
    return { problem };
  }
  return { test_indicators: tested.values, test_remark: tested.remark, tester_signature: testerPad.canvas.toDataURL("image/png") };
}

// The QR code comes from the server as SVG markup: shown as an image, so it is never parsed into the page.
async function showLink(order) {
  const box = document.getElementById("signoff-qr");
  let view;
  try {
    const request = { order_id: order.id };
    if (order.access_type === "enterprise") {
      const tested = await linkTestReport(order);
      if (tested.problem) { throw new Error(tested.problem); }
      Object.assign(request, tested);
    }
    const who = await (await fetch("/api/session", { credentials: "same-origin", cache: "no-store" })).json();
    const response = await fetch("/api/signoff-links", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": who.csrf_token }, body: JSON.stringify(request) });
    const body = await response.json();
    if (!response.ok) { throw new Error(body.error || String(response.status)); }
    const qr = URL.createObjectURL(new Blob([body.qr_svg], { type: "image/svg+xml" }));
    view = html`<img class="qr-code" src=${qr} alt=${body.url}><p class="small"><a id="signoff-url" href=${body.url}>${body.url}</a></p>
      <p class="muted small">${t("Valid until %(time)s, once.", { time: when(body.expires_at) })}</p>`;
  } catch (err) {
    view = html`<p class="error">${err instanceof TypeError ? t("The customer's phone needs a connection; sign on this phone instead.") : err.message}</p>`;
  }
  render(view, box);
}
