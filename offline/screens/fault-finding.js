// Guided fault-finding on the job page and the runner screen: one question per screen, LEDs
// tapped, readings typed and judged against their band as they are typed, back and pause, the
// conclusion saved through the outbox (order.record_run). The engine is runner.js; the trees
// are the playbooks reference data (webapp/playbooks/playbooks.json). Answering draws the next
// question's answers where the last ones were, so the buttons that answer are marked data-records:
// a double tap answers one question, not the next one too (double-tap.js). So are the others that
// change the run and redraw under the finger: Back (a double tap took back two answers), save the
// result (the job page's guide buttons came under the finger and started a new run) and those guide buttons.
import { html, nothing } from "../html.js";
import { shared } from "../context.js";
import { colon, t, lang, LED_WORDS } from "../i18n.js";
import { reference } from "../order-view.js";
import { when } from "../time.js";
import { queue } from "../outbox.js";
import { pendingMark, scrollToId, showError, signKey, typedNumber } from "../ui.js";
import { readTyped } from "../readings.js";
import { ledSuggestion } from "./led-check.js";
import { capturesView } from "./captures.js";
import { recorded } from "../double-tap.js";

const R = self.ONTrackRunner;
const S = self.ONTrackStore;

// The unfinished run on screen for this order, or null. Leaving the job page or pausing closes
// the runner screen (shared.openRunId = null); the run stays saved.
export async function openRun(order) {
  const run = shared.openRunId ? await shared.db.get("runs", shared.openRunId) : null;
  return run && run.order_id === order.id ? run : null;
}

async function show(runId) {
  shared.openRunId = runId;
  window.scrollTo(0, 0);
  await shared.render();
}

async function startRun(o, playbookId) {
  recorded();
  const data = await reference("playbooks");
  const run = { id: S.uuid(), order_id: o.id, playbook: playbookId, version: data.version, steps: [], started_at: new Date().toISOString() };
  await shared.db.put("runs", run);
  await show(run.id);
}

const stepList = (data, steps) => html`<ol class="run-steps">${R.describe(data, steps, lang, LED_WORDS).map((l) =>
  html`<li>${questionWords(l.question)} <b>${l.answer}</b></li>`)}</ol>`;

// The job page's fault-finding section: runs to continue, runs done, the guides that fit, the others.
export async function diagnosisView(o, data) {
  if (!data) { return nothing; }
  const unfinished = (await shared.db.getAll("runs")).filter((r) => r.order_id === o.id);
  const suggested = R.suggested(data, o);
  const others = data.playbooks.filter((p) => !suggested.includes(p));
  const start = (p, primary) => html`<button class="btn wide ${primary ? "primary" : ""}" type="button" data-start-run=${p.id} data-records
    @click=${() => startRun(o, p.id)}>${p.title[lang]}</button>`;
  // An installation follows its own steps (installation-steps.js); the guides are for a service that does not come up.
  const installing = o.order_type === "installation";
  return html`<section class="card" id="diagnosis"><h2>${installing ? t("If the service does not come up: fault-finding") : t("Fault-finding")}</h2>
    ${unfinished.map((r) => html`<button class="btn wide" type="button" data-resume-run=${r.id} @click=${() => show(r.id)}>${t("Continue: %(guide)s (%(n)d answered)",
      { guide: R.playbook(data, r.playbook).title[lang], n: r.steps.length })}</button>`)}
    ${(o.runs || []).map((r) => {
      const followed = R.treeFor(data, r.playbook_version) || data;  // the guide version the run followed
      const outcome = followed.outcomes[r.outcome];
      const book = R.playbook(followed, r.playbook);
      const version = r.playbook_version ? html` <small class="muted">${t("guide version")} <span class="run-version">${r.playbook_version}</span>${
        r.playbook_version !== data.version ? ` (${t("an older version; now %(version)s", { version: data.version })})` : ""}</small>` : nothing;
      return html`<div class="run-done" data-version=${r.playbook_version || ""}><b>${book ? book.title[lang] : r.playbook}</b> ⟶
        ${outcome ? outcome.text[lang] : r.outcome}${pendingMark(r)}${version}${stepList(followed, r.steps)}${capturesView(o, r)}</div>`;
    })}
    ${suggested.map((p) => start(p, !installing))}
    <details><summary>${t("Other guides")}</summary>${others.map((p) => start(p, false))}</details></section>`;
}

// A typed reading: {value, band} or {error} (impossible or not a number).
// A question before its answer: "？" already ends it (no "？："), else the language's colon.
const questionWords = (q) => (/[？?]\s*$/.test(q) ? q : `${q}${lang === "en" ? ":" : "："}`);

function judge(node, text) {
  const typed = readTyped(text, node.unit);
  if (typed.error) { return typed; }
  const value = typed.value;
  if (R.checkValue(node, value)) {
    return { error: t("%(value)s %(unit)s is not a possible reading (%(min)s to %(max)s); check it.",
      { value, unit: node.unit, min: node.min, max: node.max }) };
  }
  return { value, band: R.bandOf(node, value) };
}

function showBand(judged) {
  const out = document.getElementById("band");
  if (!out) { return; }
  out.textContent = judged.band ? judged.band.label[lang] : judged.error;
  out.className = `band ${judged.band ? `band-${judged.band.code}` : "error"}`;
}

async function answer(step) {
  recorded();
  const run = await shared.db.get("runs", shared.openRunId);
  const playbooks = await reference("playbooks");
  const data = R.treeFor(playbooks, run.version) || playbooks;
  step.node = R.position(data, run).node;
  const result = R.follow(data, step.node, step);
  if (result.band) { step.answer = result.band.code; }
  run.steps.push(step);
  await shared.db.put("runs", run);
  window.scrollTo(0, 0);
  await shared.render();
}

async function back() {
  recorded();
  const run = await shared.db.get("runs", shared.openRunId);
  run.steps.pop();
  await shared.db.put("runs", run);
  await shared.render();
}

async function pause() { shared.openRunId = null; await shared.render(); }

async function typedReading(event, node) {
  const value = event.target.value;
  const judged = judge(node, value);
  showBand(judged.error && value.trim() === "" ? { error: "" } : judged);
}

async function submitReading(event, node) {
  event.preventDefault();
  const form = event.target;
  const typed = form.elements.value.value;
  const judged = judge(node, typed);
  if (judged.error) { showBand(judged); return; }
  const details = detailsOf(form, node);
  if (details.error) { showBand(details); return; }
  form.reset();  // the next question may be drawn into the same form
  showBand({ error: "" });
  await answer({ value: judged.value, ...details.step });
}

// ---- what is recorded beside an answer (issue 21 item 6): method, wavelength, port-test method ----

// {step: {power_method?, wavelength_nm?, port_test_method?}} from a form, or {error} in words.
function detailsOf(form, node) {
  const data = shared.playbookData;
  const step = {};
  for (const name of node.details || []) {
    const spec = data.details[name];
    if (name === "wavelength_nm") {
      // The ONT's page shows the downstream (1490 nm) received power; the meter's wavelength is chosen.
      const viaPage = step.power_method === "ont_page";
      const chosen = viaPage ? spec.judged : Number(form.elements.wavelength_nm ? form.elements.wavelength_nm.value : NaN);
      if (!spec.options.includes(chosen)) { return { error: t("Choose the wavelength the power meter was set to.") }; }
      if (chosen !== spec.judged) { return { error: spec.refused[lang] }; }
      step.wavelength_nm = chosen;
    } else {
      const picked = form.querySelector(`input[name=${name}]:checked`);
      if (!picked) { return { error: t("Say how it was measured or tested: %(what)s.", { what: spec.label[lang] }) }; }
      step[name] = picked.value;
    }
  }
  return { step };
}

function showWavelength(event) {
  const form = event.target.form;
  const row = form.querySelector(".wavelength");
  if (row) { row.hidden = event.target.value === "ont_page"; }
  clearDetailError();
}

// A changed method or wavelength takes back the word about the previous one.
function clearDetailError() {
  const out = document.getElementById("band");
  if (out && out.classList.contains("error")) { showBand({ error: "" }); }
}

function detailsFields(node) {
  const data = shared.playbookData;
  return (node.details || []).map((name) => {
    const spec = data.details[name];
    if (name === "wavelength_nm") {
      const fixedByMethod = (node.details || []).includes("power_method");
      return html`<label class="field wavelength" ?hidden=${fixedByMethod}><span>${spec.label[lang]}</span>
        <select name="wavelength_nm" @change=${clearDetailError}>${spec.options.map((nm) => html`<option value=${nm} ?selected=${nm === spec.default}>${nm} nm</option>`)}</select></label>`;
    }
    return html`<fieldset class="choices detail-${name}"><legend>${spec.label[lang]}</legend>${Object.keys(spec.options).map((code) =>
      html`<label class="check big-touch"><input type="radio" name=${name} value=${code}
        @change=${name === "power_method" ? showWavelength : null}> ${spec.options[code][lang]}</label>`)}</fieldset>`;
  });
}

// A choice whose answer comes from a number (splitter-port dBm, speed test Mbps): {value, answer, words} or {error}.
function judgeReading(node, form) {
  const reading = node.reading;
  const measured = readTyped(form.elements.value.value, reading.unit);
  if (measured.error) { return measured; }
  const step = { value: measured.value };
  if (R.checkValue(reading, step.value)) {
    return { error: t("%(value)s %(unit)s is not a possible reading (%(min)s to %(max)s); check it.",
      { value: step.value, unit: reading.unit, min: reading.min, max: reading.max }) };
  }
  if (reading.subscribed) {
    const sub = readTyped(form.elements.subscribed_mbps.value, reading.unit);
    if (sub.error) { return { error: `${reading.subscribed.ask[lang]}: ${sub.error}` }; }
    if (R.checkValue(reading.subscribed, sub.value)) {
      return { error: t("The subscribed rate must be %(min)s to %(max)s Mbps.", { min: reading.subscribed.min, max: reading.subscribed.max }) };
    }
    step.subscribed_mbps = sub.value;
  }
  step.answer = R.readingAnswer(reading, step);
  const band = reading.bands ? R.bandOf(reading, step.value) : null;
  return { ...step, code: band ? band.code : step.answer, words: `${node.answers[step.answer].label[lang]}${band ? ` · ${band.label[lang]}` : ""}` };
}

function typedChoiceReading(event, node) {
  const judged = judgeReading(node, event.target.form);
  const blank = event.target.value.trim() === "";
  showBand(judged.error ? { error: blank ? "" : judged.error } : { band: { code: judged.code, label: { [lang]: judged.words } } });
}

async function submitChoiceReading(event, node) {
  event.preventDefault();
  const form = event.target;
  const judged = judgeReading(node, form);
  if (judged.error) { showBand(judged); return; }
  const details = detailsOf(form, node);
  if (details.error) { showBand(details); return; }
  // The subscribed rate is asked again after the restart (S2.1b.speed): the phone offers what was typed.
  if (judged.subscribed_mbps) { shared.lastSubscribedMbps = judged.subscribed_mbps; }
  form.reset();
  showBand({ error: "" });
  const step = { answer: judged.answer, value: judged.value, ...details.step };
  if (judged.subscribed_mbps != null) { step.subscribed_mbps = judged.subscribed_mbps; }
  await answer(step);
}

function readingForm(node) {
  const reading = node.reading;
  return html`<form id="reading-form" @submit=${(e) => submitChoiceReading(e, node)}>
    <label class="field"><span>${reading.ask[lang]} (${reading.unit})</span><span class="signed"><input name="value" type="text"
      inputmode="decimal" autocomplete="off" required autofocus @input=${(e) => typedChoiceReading(e, node)}>${reading.min < 0 ? signKey() : nothing}</span></label>
    ${reading.subscribed ? html`<label class="field"><span>${reading.subscribed.ask[lang]} (${reading.unit})</span><input name="subscribed_mbps"
      type="text" inputmode="decimal" autocomplete="off" required .value=${shared.lastSubscribedMbps ? String(shared.lastSubscribedMbps) : ""}
      @input=${(e) => typedChoiceReading(e, node)}></label>` : nothing}
    ${reading.rule ? html`<p class="muted">${reading.rule[lang]}</p>` : nothing}${reading.note ? html`<p class="muted">${reading.note[lang]}</p>` : nothing}
    ${detailsFields(node)}
    <p id="band" class="band" aria-live="polite"></p><button class="btn primary wide big-touch" type="submit" data-records>${t("Next")}</button></form>`;
}

async function submitDetailedChoice(event, node) {
  event.preventDefault();
  const details = detailsOf(event.target, node);
  if (details.error) { showBand(details); return; }
  const chosen = event.submitter ? event.submitter.value : null;
  if (!chosen) { return; }
  event.target.reset();
  await answer({ answer: chosen, ...details.step });
}

async function submitChecklist(event) {
  event.preventDefault();
  const boxes = Array.from(event.target.querySelectorAll("input[name=item]"));
  if (boxes.some((box) => box.required && !box.checked)) {
    showError("checklist-error", t("Tick each item once you have checked it."));
    return;
  }
  const ticked = boxes.filter((box) => box.checked).map((box) => box.value);
  event.target.reset();
  await answer({ answer: event.submitter ? event.submitter.value : "done", checked: ticked });
}

async function conclude(event, order, run, data) {
  event.preventDefault();
  const form = event.target;
  const outcome = R.position(data, run).outcome;
  const note = form.elements.note.value.trim();
  if (data.outcomes[outcome].gap && !note) { showError("conclude-error", t("The guide does not cover this: describe what you see.")); return; }
  recorded();
  const args = { order_id: order.id, run_id: run.id, playbook: run.playbook, version: run.version, steps: run.steps, outcome, note };
  await shared.db.delete("runs", run.id);
  shared.openRunId = null;
  await queue(order.id, "order.record_run", args);
  scrollToId("diagnosis");
}

function conclusionView(o, run, data, outcomeId) {
  const outcome = data.outcomes[outcomeId];
  return html`<section class="card runner conclusion ${outcome.gap ? "gap" : ""}" id="runner" data-node="END"><h1>${outcome.text[lang]}</h1>
    ${(outcome.tasks || []).map((k) => html`<p class="chip">${t("Desk task")}${colon}${data.tasks[k][lang]}</p>`)}
    ${(outcome.followups || []).map((k) => html`<p class="chip breach">${t("Follow-up")}${colon}${data.followups[k][lang]}</p>`)}
    ${stepList(data, run.steps)}
    <form id="conclude-form" novalidate @submit=${(e) => conclude(e, o, run, data)}><label class="field"><span>${outcome.gap ? t("Describe what you see (required)") : t("Note (optional)")}</span>
      <textarea name="note" rows="3" maxlength="2000" ?required=${outcome.gap}></textarea></label>
      <p class="error" id="conclude-error" role="alert" hidden></p>
      <button class="btn primary wide big-touch" type="submit" data-records>${t("Save the result")}</button></form></section>`;
}

async function answersView(o, run, node) {
  const tap = (value) => () => answer({ answer: value });
  if (node.kind === "led") {
    const seen = await ledSuggestion(o, run.playbook, node);
    const fromPhoto = seen && seen.by ? t("as confirmed on the LED photo by %(name)s, %(time)s", { name: seen.by, time: when(seen.at) })
      : t("as confirmed on the LED photo");
    // Lit on a single photo: steady or flashing is the technician's to see, so neither is suggested (led.js confirmedLeds).
    const lit = seen && seen.state === "lit" ? html`<p class="flash flash-warn led-lit">${t("Lit on the LED photo (%(name)s, %(time)s), but one photo cannot show flashing: watch this light for a few seconds, then choose steady or flashing.",
      { name: seen.by || "—", time: when(seen.at) })}</p>`
      // Dark on a single photo: a flashing light may have been caught between flashes (the "off" is still suggested).
      : seen && seen.state === "off" && seen.steadyKnown === false ? html`<p class="flash led-dark">${t("One photo can catch a flashing light between flashes: if in doubt, watch this light for a few seconds.")}</p>`
      : nothing;
    return [lit, ...R.LED_STATES.map((s) => html`<button class="btn wide big-touch led-${s} ${seen && seen.state === s ? "suggested" : ""}" type="button"
      data-answer=${s} data-records @click=${tap(s)}><span class="led-dot"></span>${LED_WORDS[s]}${seen && seen.state === s ?
      html` <small class="from-photo">${fromPhoto}</small>` : nothing}</button>`)];
  }
  if (node.kind === "measure") {
    // novalidate: the app says what is wrong in the technician's words, not the browser's (issue 15c).
    return html`<form id="measure-form" novalidate @submit=${(e) => submitReading(e, node)}><label class="field"><span>${node.unit}</span>
      <span class="signed"><input name="value" type="text" inputmode="decimal" autocomplete="off" required autofocus @input=${(e) => typedReading(e, node)}>${node.min < 0 ? signKey() : nothing}</span></label>
      ${detailsFields(node)}<p id="band" class="band" aria-live="polite"></p><button class="btn primary wide big-touch" type="submit" data-records>${t("Next")}</button></form>`;
  }
  if (node.kind === "checklist") {
    return html`<form id="checklist-form" novalidate @submit=${submitChecklist}>${node.items.map((i) => html`<label class="check big-touch">
      <input type="checkbox" name="item" value=${i.id} required> ${i[lang]}</label>`)}
      <p class="error" id="checklist-error" role="alert" hidden></p>
      ${Object.keys(node.answers).map((a) => html`<button class="btn primary wide big-touch" type="submit" value=${a} data-records>${node.answers[a].label[lang]}</button>`)}</form>`;
  }
  if (node.reading) { return readingForm(node); }
  if (node.details) {
    return html`<form id="detailed-choice-form" @submit=${(e) => submitDetailedChoice(e, node)}>${detailsFields(node)}
      <p id="band" class="band" aria-live="polite"></p>${R.answerIds(node, o.access_type).map((a) => html`<button class="btn wide big-touch"
        type="submit" data-answer=${a} value=${a} data-records>${node.answers[a].label[lang]}</button>`)}</form>`;
  }
  return R.answerIds(node, o.access_type).map((a) => html`<button class="btn wide big-touch" type="button" data-answer=${a} data-records @click=${tap(a)}>${node.answers[a].label[lang]}</button>`);
}

// The runner screen for an open run: {title, view}; playbooks: the reference data.
export async function runnerScreen(o, run, playbooks) {
  const data = R.treeFor(playbooks, run.version) || playbooks;  // the guide version the run started on
  shared.playbookData = data;
  const book = R.playbook(data, run.playbook);
  const where = R.position(data, run);
  const last = run.steps.length ? R.describe(data, run.steps.slice(-1), lang, LED_WORDS)[0] : null;
  let body;
  if (where.outcome) {
    body = conclusionView(o, run, data, where.outcome);
  } else {
    const node = data.nodes[where.node];
    body = html`<section class="card runner" id="runner" data-node=${where.node}><p class="muted">${where.node}</p><h1>${node.ask[lang]}</h1>
      ${node.hint ? html`<p class="muted">${node.hint[lang]}</p>` : nothing}<div class="answers">${await answersView(o, run, node)}</div></section>`;
  }
  const view = html`<div class="runner-head"><b>${book.title[lang]}</b> · ${o.customer_name} <small class="muted">${t("Step %(n)d", { n: run.steps.length + 1 })}</small></div>
    ${last ? html`<p class="muted small runner-last">${questionWords(last.question)} <b>${last.answer}</b></p>` : nothing}${body}
    <div class="runner-nav">${run.steps.length ? html`<button class="btn" type="button" data-run-back data-records @click=${back}>← ${t("Back")}</button>` : nothing}
      <button class="btn" type="button" data-run-pause @click=${pause}>${t("Pause")}</button></div>`;
  return { title: book.title[lang], view };
}
