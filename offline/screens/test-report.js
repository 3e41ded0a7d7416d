// The end-to-end test report of an enterprise line inside the sign-off form: the template of its
// service (reference "test_templates", webapp/enterprise/test_templates.json), one field per
// indicator with its standard, each value judged as it is typed by the same rules as the server
// (webapp/enterprise/test_report.py), and the tester's remark, needed when a value is out of standard.
import { html, nothing, render } from "../html.js";
import { lang, t } from "../i18n.js";
import { signKey, typedNumber } from "../ui.js";

const WORDS = { zh: { yes: "是", no: "否" }, en: { yes: "yes", no: "no" } };

// The template for an enterprise service: [key, template]; "default" for a service without one.
export function templateFor(templates, service) {
  const key = service in templates.templates ? service : "default";
  return [key, templates.templates[key]];
}

// JavaScript's String() of a number is what the server writes too (test_report.number_text).
const num = (value) => String(value);

export function standardText(indicator, language) {
  const s = indicator.standard;
  if (!s) { return ""; }
  const unit = indicator.unit ? ` ${indicator.unit}` : "";
  if ("equals" in s) { return WORDS[language][s.equals]; }
  if ("min" in s && "max" in s) { return `${num(s.min)} ~ ${num(s.max)}${unit}`; }
  for (const [key, sign] of [["lt", "<"], ["gt", ">"], ["max", "≤"], ["min", "≥"]]) {
    if (key in s) { return `${sign} ${num(s[key])}${unit}`; }
  }
  return "";
}

// true / false within the standard; null when the seeds give none.
export function passes(indicator, value) {
  const s = indicator.standard;
  if (!s) { return null; }
  if ("equals" in s) { return value === s.equals; }
  return (!("min" in s) || value >= s.min) && (!("max" in s) || value <= s.max)
    && (!("lt" in s) || value < s.lt) && (!("gt" in s) || value > s.gt);
}

// The value typed for an indicator, or {problem} when it cannot be read.
export function readValue(indicator, raw) {
  if (raw == null || String(raw).trim() === "") { return { problem: "missing" }; }
  if (indicator.kind === "yes_no") { return ["yes", "no"].includes(raw) ? { value: raw } : { problem: "missing" }; }
  const value = typedNumber(raw);
  if (Number.isNaN(value)) { return { problem: "not_a_number" }; }
  if (indicator.whole && !Number.isInteger(value)) { return { problem: "not_whole" }; }   // a count (bit errors)
  if (value < indicator.range[0] || value > indicator.range[1]) { return { problem: "out_of_range" }; }
  return { value };
}

const valueText = (indicator, value) => (indicator.kind === "yes_no" ? WORDS.zh[value]
  : `${num(value)} ${indicator.unit || ""}`.trim());

function verdictMark(indicator, raw) {
  const read = readValue(indicator, raw);
  if (read.problem) {
    return read.problem === "missing" ? nothing : html`<span class="verdict fail">${t("not a possible reading")}</span>`;
  }
  const passed = passes(indicator, read.value);
  if (passed === null) { return html`<span class="verdict muted">${t("recorded (no standard in the seeds)")}</span>`; }
  return passed ? html`<span class="verdict pass">${t("within standard")}</span>`
    : html`<span class="verdict fail">${t("OUT OF STANDARD")}</span>`;
}

// Re-judge one indicator's field as it is typed or chosen.
function judge(event) {
  const row = event.currentTarget.closest("[data-indicator]");
  const indicator = JSON.parse(row.dataset.indicator);
  const input = row.querySelector("input[type=text], input[type=radio]:checked");
  const raw = input ? input.value : "";
  const box = row.querySelector(".verdict-box");
  const read = readValue(indicator, raw);
  const passed = read.problem ? null : passes(indicator, read.value);
  row.classList.toggle("indicator-fail", passed === false || Boolean(read.problem && read.problem !== "missing"));
  row.classList.toggle("indicator-pass", passed === true);
  render(verdictMark(indicator, raw), box);
}

function indicatorField(indicator) {
  const name = `ind_${indicator.id}`;
  const standard = standardText(indicator, lang);
  const control = indicator.kind === "yes_no"
    ? html`<span class="choices">${["yes", "no"].map((v) => html`<label class="choice"><input type="radio" name=${name} value=${v} required @change=${judge}> ${t(v)}</label>`)}</span>`
    : html`<span class="number-field"><input type="text" name=${name} inputmode="decimal" required autocomplete="off" @input=${judge}>${indicator.unit ? html` <span class="unit">${indicator.unit}</span>` : nothing}${indicator.range[0] < 0 ? signKey() : nothing}</span>`;
  return html`<div class="field indicator" data-indicator=${JSON.stringify(indicator)} data-id=${indicator.id}>
    <span>${indicator.label[lang] || indicator.label.zh} *</span>${control}
    <span class="muted small">${standard ? t("Standard: %(standard)s", { standard }) : (indicator.gap || {})[lang] || ""}</span>
    <span class="verdict-box" aria-live="polite"></span></div>`;
}

// The test-report part of the sign-off form for an enterprise order.
export function testReportView(templates, service) {
  if (!templates) { return html`<p class="error">${t("The test report templates have not reached this phone yet; sync once.")}</p>`; }
  const [, template] = templateFor(templates, service);
  return html`<fieldset class="test-report" id="test-report"><legend>${template.title[lang] || template.title.zh}</legend>
    ${template.indicators.map(indicatorField)}
    <label class="field"><span>${t("Tester's remark (needed when a value is out of standard)")}</span>
      <textarea name="test_remark" rows="2" maxlength="500"></textarea></label></fieldset>`;
}

// From the form's fields: {values, rows, within, problem} where problem names the first unreadable value.
export function collect(templates, service, fields) {
  const [key, template] = templateFor(templates, service);
  const values = {}, rows = [];
  for (const indicator of template.indicators) {
    const read = readValue(indicator, fields[`ind_${indicator.id}`]);
    const name = indicator.label[lang] || indicator.label.zh;
    if (read.problem === "missing") { return { problem: t("“%(name)s” is not filled in: the test report needs every indicator of its template.", { name }) }; }
    if (read.problem === "not_whole") { return { problem: t("“%(name)s” is a count: give a whole number.", { name }) }; }
    if (read.problem) { return { problem: t("“%(name)s”: that is not a possible reading (it lies between %(low)s and %(high)s %(unit)s); check the value.",
      { name, low: indicator.range[0], high: indicator.range[1], unit: indicator.unit || "" }) }; }
    values[indicator.id] = read.value;
    rows.push({ id: indicator.id, name: indicator.label.zh, value: valueText(indicator, read.value),
      standard: standardText(indicator, "zh"), passed: passes(indicator, read.value) });
  }
  const remark = (fields.test_remark || "").trim();
  const within = rows.every((r) => r.passed !== false);
  if (!within && remark.length < 4) {
    const names = rows.filter((r) => r.passed === false).map((r) => `${r.name} ${r.value}（${r.standard}）`).join("、");
    return { problem: t("Out of standard: %(names)s. Test again, or write in the tester's remark why the report is signed with it.", { names }) };
  }
  return { key, version: templates.version, values, rows, within, remark };
}
