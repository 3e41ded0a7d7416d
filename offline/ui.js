// Small template pieces more than one screen uses: state chips, the "waiting to sync" mark,
// form fields, and reading a form.
import { html, nothing } from "./html.js";
import { t, label } from "./i18n.js";
import { when } from "./time.js";

// An order's state; an installation that is "restored" is installed and working, not repaired (§7.3 step 7).
export const stateWords = (state, orderType) => (state === "restored" && orderType === "installation"
  ? t("Installed, awaiting confirmation") : label("state", state));
export const stateChip = (state, orderType) => html`<span class="chip state-${state}">${stateWords(state, orderType)}</span>`;

// An order's next deadline: its time, a filled "overdue" mark once passed (not colour alone), or
// "paused" while suspended (its clocks stand still and move on by the suspended time on resume).
export const dueMark = (o) => {
  if (o.state === "suspended") { return html`<span class="due due-paused">${t("Paused (suspended)")}</span>`; }
  const passed = new Date(o.next_due_at) < new Date();
  return html`<span class="due ${passed ? "due-breached" : "due-ok"}">${passed ? `${t("Overdue")} · ` : ""}${when(o.next_due_at)}</span>`;
};

export const pendingMark = (item) => (item.pending ? html` <span class="chip pending">${t("waiting to sync")}</span>` : nothing);

export const field = (title, control, required) =>
  html`<label class="field"><span>${title}${required ? " *" : ""}</span>${control}</label>`;

export const textarea = (name, required, value) =>
  html`<textarea name=${name} rows="2" ?required=${required} maxlength="2000" .defaultValue=${value || ""}></textarea>`;

// options: [[value, words], …]
export const select = (name, options, chosen, required) => html`<select name=${name} ?required=${required}>${options.map(([value, words]) =>
  html`<option value=${value} ?selected=${value === chosen}>${words}</option>`)}</select>`;

export const datetime = (name, value) => html`<input type="datetime-local" name=${name} required value=${value || ""}>`;

// A phone link without spaces ("tel:13912345678").
export const telHref = (phone) => `tel:${(phone || "").replace(/\s/g, "")}`;

// A template's {name} placeholders filled in (unknown ones stay as written, so a typo in the template shows).
export const fillTemplate = (template, values) =>
  (template || "").replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name] ?? "") : whole));

// A link that opens the phone's own messages app with the text ready (§6.2 #2: sent from the technician's
// phone, so it works offline). "?&body=" is read by both Android and iOS.
export const smsHref = (phone, body) => `sms:${(phone || "").replace(/[^\d+]/g, "")}?&body=${encodeURIComponent(body)}`;

// {name: value} of a form; checkboxes as true/false.
export function formFields(form) {
  const fields = {};
  new FormData(form).forEach((value, name) => { fields[name] = value; });
  form.querySelectorAll("input[type=checkbox]").forEach((box) => { fields[box.name] = box.checked; });
  return fields;
}

// Show (or with "" hide) a message in an error paragraph by id.
export function showError(id, text) {
  const box = document.getElementById(id);
  if (box) { box.textContent = text; box.hidden = !text; }
}

// Bring a part of the page into view once it is drawn.
export function scrollToId(id) {
  const part = document.getElementById(id);
  if (part) { part.scrollIntoView(); }
}

// A number as typed on any phone keyboard: full-width digits and signs of Chinese input methods
// ("－３０"), the typographic minus and dashes, a comma for the decimal point, spaces. NaN when it
// is not a plain number (never a partial read: "-30abc" is NaN, not -30).
export function typedNumber(text) {
  const plain = String(text == null ? "" : text).normalize("NFKC")
    .replace(/[\u2010-\u2015\u2212\uFE58\uFE63]/g, "-").replace(/[,，、]/g, ".").replace(/\s+/g, "");
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(plain) ? Number(plain) : NaN;
}

// The "±" key beside a number field: a phone's number pad (inputmode decimal/numeric) has no
// minus key on many phones, and signal and optical power are negative (dBm).
function flipSign(event) {
  const input = event.currentTarget.parentElement.querySelector("input");
  const value = input.value.trim();
  input.value = /^[-－−]/.test(value) ? value.replace(/^[-－−]\s*/, "") : `-${value}`;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.focus();
}

export const signKey = () => html`<button class="btn sign-key" type="button" aria-label=${t("Change the sign (minus)")} @click=${flipSign}>±</button>`;
