// An enterprise order's line on the job page: the circuit, who took part in the fault (duty,
// outsourced, helpers, leaders informed, customer staff — domain reference §7.4 #8) and the
// loop-test log (loop point, result, time — §2.8 P-C, §9.5 item 29). Both are added offline and
// queued as order.add_participant / order.add_loop_test (webapp/enterprise/phone.py).
import { html, nothing } from "../html.js";
import { t } from "../i18n.js";
import { localInput, nowInput, when } from "../time.js";
import { queue } from "../outbox.js";
import { formFields, pendingMark, select, showError } from "../ui.js";

const S = self.ONTrackStore;
const ROLES = () => [["duty", t("Duty officer")], ["outsourced", t("Outsourced maintainer")], ["helper", t("Helper")],
  ["leader", t("Leader informed or escalated to")], ["customer", t("Customer staff")]];
const RESULTS = () => [["passed", t("Loop passes: this segment is good")], ["failed", t("Loop fails: the fault is before this point")]];
const roleWord = (role) => (ROLES().find(([code]) => code === role) || [role, role])[1];

async function addLoopTest(event, o) {
  event.preventDefault();
  const f = formFields(event.target);
  if (!f.loop_point.trim() || !f.tested_at) { return showError("loop-test-error", t("Say where the loop was and when.")); }
  if (f.tested_at > localInput(new Date(Date.now() + 5 * 60000).toISOString())) { return showError("loop-test-error", t("A loop test cannot be in the future.")); }
  if (o.created_at && f.tested_at < localInput(o.created_at).slice(0, 16)) { return showError("loop-test-error", t("A loop test cannot be before the order was created (%(created)s).", { created: localInput(o.created_at).replace("T", " ") })); }
  showError("loop-test-error", "");
  await queue(o.id, "order.add_loop_test", { order_id: o.id, loop_test_id: S.uuid(), loop_point: f.loop_point.trim(),
    result: f.result, tested_at: f.tested_at, note: (f.note || "").trim() });
}

async function addParticipant(event, o) {
  event.preventDefault();
  const f = formFields(event.target);
  if (!f.name.trim()) { return showError("participant-error", t("Enter the participant's name.")); }
  showError("participant-error", "");
  await queue(o.id, "order.add_participant", { order_id: o.id, participant_id: S.uuid(), role: f.role,
    name: f.name.trim(), phone: (f.phone || "").trim() });
  event.target.reset();   // ready for the next participant
}

const loopRow = (l) => html`<li class=${`loop-${l.result}`}><strong>${l.loop_point}</strong> · ${l.result === "passed" ? t("passes") : t("fails")}
  · <time>${when(l.tested_at)}</time>${l.note ? html`<br><small class="muted">${l.note}</small>` : nothing}${pendingMark(l)}</li>`;

const participantRow = (p) => html`<li>${roleWord(p.role)} · <strong>${p.name}</strong>${p.phone ? html` · ${p.phone}` : nothing}${pendingMark(p)}</li>`;

// The card, for an enterprise order only.
export function enterpriseView(o) {
  const line = o.enterprise;
  if (o.access_type !== "enterprise" || !line) { return nothing; }
  return html`<section class="card" id="enterprise-line"><h2>${t("Enterprise line")}</h2>
    <p>${t("Circuit id")}: <code>${line.circuit_id}</code></p>
    <h3>${t("Loop tests")}</h3>
    ${line.loop_tests.length ? html`<ul class="loop-tests" id="loop-tests">${line.loop_tests.map(loopRow)}</ul>` : html`<p class="muted">${t("No loop test yet.")}</p>`}
    <details><summary>${t("Add a loop test")}</summary><form id="loop-test-form" @submit=${(e) => addLoopTest(e, o)}>
      <label class="field"><span>${t("Loop point")} *</span><input name="loop_point" maxlength="120" required></label>
      <label class="field"><span>${t("Result")}</span>${select("result", RESULTS(), "passed", true)}</label>
      <label class="field"><span>${t("Tested at")} *</span><input type="datetime-local" name="tested_at" required value=${nowInput()}></label>
      <label class="field"><span>${t("Note")}</span><textarea name="note" rows="2" maxlength="1000"></textarea></label>
      <p class="error" id="loop-test-error" hidden></p><button class="btn primary wide" type="submit">${t("Add the loop test")}</button></form></details>
    <h3>${t("Participants")}</h3>
    ${line.participants.length ? html`<ul class="participants" id="participants">${line.participants.map(participantRow)}</ul>` : html`<p class="muted">${t("No participant recorded yet.")}</p>`}
    <details><summary>${t("Add a participant")}</summary><form id="participant-form" @submit=${(e) => addParticipant(e, o)}>
      <label class="field"><span>${t("Took part as")}</span>${select("role", ROLES(), "outsourced", true)}</label>
      <label class="field"><span>${t("Name")} *</span><input name="name" maxlength="80" required></label>
      <label class="field"><span>${t("Phone")}</span><input name="phone" type="tel" maxlength="20"></label>
      <p class="error" id="participant-error" hidden></p><button class="btn primary wide" type="submit">${t("Add the participant")}</button></form></details>
  </section>`;
}
