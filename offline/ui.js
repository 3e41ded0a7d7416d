// Small template pieces more than one screen uses: state chips, the "waiting to sync" mark,
// form fields, and reading a form.
import { html, nothing } from "./html.js";
import { t, label } from "./i18n.js";

export const stateChip = (state) => html`<span class="chip state-${state}">${label("state", state)}</span>`;

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
