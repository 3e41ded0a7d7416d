// The photo-assisted LED check on the job page: choose the model, photograph the panel (or a
// 3-second burst), tap what you see, save through the outbox (order.led_check); when the
// server's reading comes back, confirm or correct each light (order.led_confirm). The helpers
// (guide positions, tree answers) are led.js; the catalog is the "leds" reference data.
import { html, svg, nothing } from "../html.js";
import { shared } from "../context.js";
import { colon, t, label, LED_WORDS } from "../i18n.js";
import { when } from "../time.js";
import { orderView, reference } from "../order-view.js";
import { queue } from "../outbox.js";
import { photoSrc, pickedColour, problemWords, sha256, shrunk } from "../photos.js";
import { pendingMark, scrollToId, showError } from "../ui.js";
import { openCamera } from "./led-camera.js";
import { changeValue, draftKey, dropValue, keepValue, loadDraft } from "../drafts.js";

const L = self.ONTrackLed;
const S = self.ONTrackStore;
const RETAKE_WORDS = {
  too_dark: t("Too dark: the lights cannot be told from the panel. Switch on a light or shine a torch at the panel from the side; flash off."),
  blurry: t("Blurred: hold the phone still with both hands, tap the screen on the lights to focus, then take it again."),
  over_exposed: t("Too bright or glare over the lights: tilt the phone a little so the reflection moves off them; flash off."),
  too_far: t("Too far: the lights are too small to read. Move closer so the row of lights fills at least a fifth of the photo."),
  no_panel: t("No row of lights found: take the photo straight at the side with the lights, the whole row in the frame."),
  check_model: t("Is this the model? The panel shows more lights than the model chosen: check the model on the unit's label, or choose another and photograph again."),
  moved: t("The phone moved during the burst: hold it still, pointed at the lights, for the whole burst, then take it again."),
  unreadable: t("This file is not a photo the phone can read."),
  see_through: t("This picture is mostly see-through (a cut-out or a graphic), not a photo of the lights: take a photo of the panel."),
  cut_out: t("Part of this picture is see-through (cut out or erased), so the lights cannot be read from it: take a photo of the panel as the camera shows it."),
  no_colour: t("This photo has no colour (black and white): the lights are read by their colour. Switch off the camera's black-and-white or mono filter and take it again."),
};
// A picture more than half see-through holds no photo to read (webapp/led/reader.py SEE_THROUGH, the same share).
const SEE_THROUGH = 0.5;
// Said with a reading whose lights are (nearly) all unsure, or turned the other way (webapp/led/reader.py ADVICE).
const ADVICE_WORDS = {
  small_photo: t("The photo is too small to read the lights: take it with the phone's camera, close to the lights, not a thumbnail, a screenshot or a photo sent through a chat app."),
  unsure: t("Most lights could not be read for sure: look at them yourself and tap what you see, or take the photo again straight at the lights, closer, with no reflection on them."),
  cut_off: t("Part of the row of lights is outside the photo: take it again with the whole row in the frame, from the first light to the last."),
  turned: t("The lights' colours do not fit their order along the row: the photo may be upside down or on its side. Turn the phone so the panel's writing is the right way up on the screen and take it again, or look at the lights marked unsure yourself."),
  read_turned: t("The lights were read from the other end of the row, where the power light and the lights' colours fit: the photo may be upside down, on its side or mirrored, or the names typed in the other order. Check that each ring on the photo is on the light it names, and tap any that is wrong."),
  colour_misfit: t("A lit light shows a colour the light in its place on this model cannot show, so no light was decided: the model may not be the unit's, or the row may not be whole in the photo. Check the model on the unit's label (or the names typed), take the photo with the whole row in the frame, and look at the lights yourself."),
};

// A photo taken but not saved, one per order: {order_id, draft_id, rev, model, capture, blob, url, frames, frame, states,
// seconds?}; `draft_id` tells one draft from another, `rev` one kept version of it from the next (each tap bumps it).
// Each is kept in the phone's database (drafts.js) until it is queued, so a reload, a crash or the phone killing the
// browser behind the camera app never loses the photo or the taps; the kept copy is the one that counts, shared by the
// phone's tabs: what is in memory here only holds its photo's URL.
// (Review r57: one draft in memory for all orders hid job A's draft once job B had one, and A's next photo wrote over
// A's taps; a draft saved in one tab stayed in another, and saving it there queued the photo twice.)
const drafts = new Map();  // order id → draft
let shownDraft = null;  // the draft on the job page now, whose lights the chips tap
const draftNotice = new Set();  // orders whose new photo was not taken: a draft from another tab was there first
const draftProblem = new Map();  // order id → why its draft was not saved (the phone's storage full), until the next save
const DRAFT_FORM = "led-photo";
// `stored`: a copy of it was kept; `unkept`: the last change could not be kept (the phone's storage full), so this tab
// holds it newer than the kept copy, or alone (never stored), as before drafts were kept at all.
// The draft `d` as the phone keeps it, one revision on: without what this tab alone holds.
const keptForm = (d) => Object.fromEntries(Object.entries({ ...d, rev: (d.rev || 0) + 1 })
  .filter(([k]) => !["url", "stored", "unkept"].includes(k)));
const keepLedDraft = (d) => keepValue(d.order_id, DRAFT_FORM, keptForm(d))
  .then(() => { d.unkept = false; d.stored = true; d.rev = (d.rev || 0) + 1; }, () => { d.unkept = true; });

// Whether `kept`, what the phone keeps under an order's draft key, is a draft.
const isDraft = (kept) => Boolean(kept) && kept.blob instanceof Blob && Boolean(kept.model);

async function keptDraft(orderId) {
  const kept = await loadDraft(orderId, DRAFT_FORM);
  return isDraft(kept) ? kept : null;
}

function forget(orderId) {
  const d = drafts.get(orderId);
  if (d) { URL.revokeObjectURL(d.url); drafts.delete(orderId); }
}

// The draft `d` with the lights as the phone keeps them now (another tab may have tapped them); null when it is gone
// (saved or discarded in another tab).
async function asKept(d) {
  if (d.queued) { return null; }  // saved (a second tap on Save finds it so, kept copy or not)
  const kept = await storedCopy(d);
  if (!kept) {
    if (d.stored) { forget(d.order_id); return null; }
    return d;  // never stored (storage full): this tab's alone
  }
  return d.unkept ? d : Object.assign(d, { states: kept.states, touched: kept.touched, rev: kept.rev || 0 });
}

// The kept copy of the draft `d`, not another tab's newer draft of its order; else null.
async function storedCopy(d) {
  const kept = await keptDraft(d.order_id);
  return kept && kept.draft_id === d.draft_id ? kept : null;
}

// The draft of this order as kept, else none.
async function draftOf(orderId) {
  const mine = drafts.get(orderId);
  if (mine && (await asKept(mine))) { return mine; }
  const kept = await keptDraft(orderId);
  if (!kept) { return null; }
  forget(orderId);
  const d = { ...kept, url: URL.createObjectURL(kept.blob), stored: true };
  drafts.set(orderId, d);
  return d;
}
const edits = {};  // lights the technician tapped on a saved check, by check id, until confirmed: as the phone keeps them
// ... kept in the phone's database, shared by the phone's tabs, so a reload before "Confirm these lights" keeps the taps
// (review r11) and a tap in another tab is not written over (review r59: each tab wrote its own list whole).
const TAPS_FORM = (checkId) => `led-taps:${checkId}`;
const unkeptTaps = new Set();  // checks whose last tap the phone could not keep (its storage full): this tab's taps are newer
const tapsRev = {};  // the revision of the kept taps read last, by check id (each tap bumps it; 0: none kept)
const confirmProblems = {};  // why "Confirm these lights" did not confirm, by check id, until the next tap or confirm

const customLeds = (ref, labels) => labels.map((l) => ({ label: l, x: null, tree: L.roleTree(ref, l), colors: ref.colors }));

function modelOf(ref, check) {
  if (check.model_id && check.model_id !== "custom") { return ref.models.find((m) => m.id === check.model_id) || null; }
  return { id: "custom", kind: check.model_kind || "ont", verified: false, name: "", vendor: "", leds: customLeds(ref, check.labels) };
}

const readingOf = (check) => (check.reading && check.reading.leds && check.reading.leds.length ? check.reading.leds : null);

// What a check's chips show: the technician's unsent taps, else their confirmation, else the
// reading, else every light "unsure": a photo not read yet, or sent back for a retake, says
// nothing of the lights (showing them off would read as "no power"), so each is the technician's to tap.
// Taps saved with the photo on some lights only (the rest "unsure") are no confirmation: each
// tapped light shows the tap, the others the reading.
function shownStates(check) {
  if (edits[check.id] || check.confirmed) { return edits[check.id] || check.confirmed; }
  const reading = readingOf(check);
  const shown = reading ? reading.map((l) => ({ label: l.label, state: l.state, color: l.color }))
    : check.labels.map((l) => ({ label: l, state: "unsure", color: null }));
  const taps = check.tapped || [];
  return shown.map((s, i) => (taps[i] && taps[i].state !== "unsure" ? { label: s.label, state: taps[i].state, color: taps[i].color } : s));
}

// A light's colour is shown only where it is lit: an "unsure" light (the photo could not tell) or an unlit
// one shows none, even when the reading leaned to a colour (review r11: an unsure ALARM showed "看不准 · 红色"
// and a red dotted ring, as if lit red).
const litColour = (st) => ((st.state === "on" || st.state === "blinking") && st.color ? st.color : "");

// Photos shown without their marks ("Hide the marks"), by check key: a ring's number sits above its light, where many
// panels print the light's name (review r51: the numbers 1–4 covered "POWER", "PON"; the chips below name each light).
const bare = new Set();

async function toggleMarks(key) {
  if (bare.has(key)) { bare.delete(key); } else { bare.add(key); }
  await shared.render();
}

// The photo with numbered marks where each LED is, as SVG (no inline styles under the CSP), and the button that hides
// the marks when there are any.
function overlay(src, frame, frames, spots, states, id, key, lit = []) {
  const w = 1000, h = Math.round(1000 * frame.height / frame.width);
  const marks = spots.map((p, i) => {
    const st = states[i] || {}, x = Math.round(p.x * w), y = Math.round(p.y * h);
    const colour = litColour(st);
    return svg`<g class="mark state-${st.state || "off"} ${colour ? `color-${colour}` : ""} ${lit[i] ? "photo-lit" : ""}" data-led-chip=${key} data-index=${i}
      @click=${() => tapLight(key, i)}><circle class="hit" cx=${x} cy=${y} r="48"></circle><circle cx=${x} cy=${y} r="22"></circle>
      <text x=${x} y=${y - 32} text-anchor="middle">${i + 1}</text></g>`;
  });
  const hidden = bare.has(key);
  return html`${spots.length ? html`<p class="led-photo-tools"><button class="btn small" type="button" data-led-marks=${key}
    aria-controls=${id} @click=${() => toggleMarks(key)}>${hidden ? t("Show the marks") : t("Hide the marks")}</button></p>` : nothing}
    <svg class="led-overlay ${hidden ? "bare" : ""}" id=${id} viewBox="0 0 ${w} ${h}" role="img" aria-label=${t("LED panel photo")}>
    <image href=${src} x="0" y="0" width=${w} height=${h * (frames || 1)} preserveAspectRatio="none"></image>${marks}</svg>`;
}

// Which lights a single photo shows lit without saying steady or flashing: shown "on" as the photo read it (or leant),
// not tapped "on" with the photo. The tree hears "lit" for these (led.js confirmedLeds), and the chips say so rather
// than "steady on" right under "one photo cannot show flashing" (review r51).
const photoLit = (check, states) => (check ? L.confirmedLeds({ ...check, confirmed: states }, null).map((l) => l.state === "lit") : []);
// Whether light `index`, shown "on" and not tapped, would be one the photo showed lit (photoLit), whatever it shows now.
const photoLitAt = (check, states, index) => photoLit(check, states.map((s, i) => (i === index ? { label: s.label, state: "on", color: s.color } : s)))[index];

// Where a technician's state differs from what the photo read: a light it read "on" or "off" (or flashing) that they
// tapped otherwise. A light it could not tell ("unsure") was not read wrong, whatever it leaned to (review r9: a
// faint lit light tapped "on" said "photo: off" and counted as corrected); the chip says the photo could not tell.
// The server still keeps a confirmation against an unsure light's lean among its corrections, as data on the
// reader's leans (webapp/led/checks.py corrections); the phone's words are about what the photo said.
// One photo's "on" is lit, steady or flashing unknown (`steady` false: L.steadyKnown): a light tapped flashing or steady
// on agrees with it (review r52: tapped flashing, it was "corrected"; webapp/led/checks.py corrections says the same).
const differsFrom = (read, st, steady = true) => Boolean(read) && read.state !== "unsure" && st.state !== "unsure"
  && read.state !== st.state && !(steady === false && read.state === "on" && st.state === "blinking");
// An unsure light the technician tapped: the photo could not tell it (its lean is no reading).
const couldNotTell = (read, st) => Boolean(read) && read.state === "unsure" && st.state !== "unsure";

// Before the photo is read (`waiting`: it has not reached the server, or is being read), a light not tapped is no
// photo's "unsure": it says "not tapped", with no outline (a fresh review of 2026-12-05: every button said 看不准 and
// the legend that the photo could not tell, before anything had read it).
// `lit`: photoLit's answer; `steady`: whether the capture could tell steady from flashing (L.steadyKnown).
const chips = (key, states, reading, waiting, lit = [], steady = null) => html`<div class="led-chips">${states.map((st, i) => {
  const read = reading && reading[i];
  const differs = differsFrom(read, st, steady);
  const untapped = waiting && st.state === "unsure";
  const unsure = !untapped && (st.state === "unsure" || (read && (read.state === "unsure" || read.confidence < 0.9)));  // the reader's SURE
  const colour = litColour(st);
  return html`<button type="button" class="led-chip state-${st.state} ${colour ? `color-${colour}` : ""} ${differs ? "differs" : ""} ${unsure ? "unsure" : ""}"
    data-led-chip=${key} data-index=${i} @click=${() => tapLight(key, i)}><b>${i + 1}</b> ${st.label} · ${untapped ? t("not tapped") : lit[i] ? LED_WORDS.lit : LED_WORDS[st.state]}${colour ? ` · ${label("led_color", colour)}` : ""}
    ${differs ? html`<small>${t("photo: %(state)s", { state: LED_WORDS[read.state === "on" && steady === false ? "lit" : read.state] })}</small>`
    : couldNotTell(read, st) ? html`<small class="led-photo-unsure">${t("photo: could not tell")}</small>` : nothing}</button>`;
})}</div>`;

// The lights whose flashing means something to the fault tree (PON registering, LOS, LAN or WAN traffic):
// what a single photo cannot tell. Named as the model names them (the Nokia's ALARM is its LOS).
const FLASHING_ROLES = ["pon", "los", "lan", "wan"];
const flashingLights = (model) => (model ? model.leds.filter((led) => FLASHING_ROLES.includes(led.tree)).map((led) => led.label) : []);

function checkStatus(check, reading, model) {
  // The server gave up reading this photo (webapp/led/checks.py not_read): no retake asked, the technician's eyes decide.
  if (check.reading && check.reading.quality && (check.reading.quality.problems || []).includes("not_read")) {
    return html`<p class="flash flash-warn led-not-read">${t("The photo could not be read automatically: look at the lights and tap what you see.")}</p>`;
  }
  if (check.reading && check.reading.quality && !check.reading.quality.ok) {
    return html`<p class="flash flash-warn led-retake">${t("Take it again")}${colon}${check.reading.quality.problems.map((p) => RETAKE_WORDS[p] || p).join(" ")}</p>`;
  }
  if (!reading) {  // on this phone still, or at the server and being read (review r57: "waiting to sync" once synced)
    return check.pending ? html`<p class="muted led-waiting">${t("Waiting to sync: the photo is read by the server when it arrives. Your taps count meanwhile.")}</p>`
      : html`<p class="muted led-waiting led-being-read">${t("The photo is being read.")}</p>`;
  }
  const said = check.confirmed || check.tapped || [];
  const steady = L.steadyKnown(check);
  const differ = said.filter((s, i) => differsFrom(reading[i], s, steady)).length;  // untapped: "unsure"
  // Lights the photo could not tell, said by the technician's eyes: not "read from the photo" (review r11).
  const filled = said.filter((s, i) => couldNotTell(reading[i], s)).length;
  const settled = check.confirmations && !edits[check.id];  // confirmed after the reading came back
  const nothingTold = reading.every((l) => l.state === "unsure");
  const open = shownStates(check).filter((s) => s.state === "unsure").length;  // neither read nor tapped yet
  const words = settled ? (differ ? t("Confirmed: you set %(n)d lights otherwise than the photo read them; yours count.", { n: differ })
    : filled ? t("Confirmed: %(n)d lights the photo could not tell were said by you.", { n: filled }) : t("Read from the photo and confirmed."))
    : differ ? t("The photo reading differs from your taps on %(n)d lights: look again and confirm.", { n: differ })
      : nothingTold  // nothing read: "read from the photo" would say the opposite
        ? t("The photo could not tell any of the lights: look at each one yourself and tap what you see, then confirm; or take the photo again straight at the lights, closer, with no reflection on them.")
        : open ? t("Read from the photo, but %(n)d lights could not be told: tap what you see for those, check the others, then confirm.", { n: open })
          : t("Read from the photo: check each light, tap any that is wrong, then confirm.");
  // The advice says what to retake; once the lights are confirmed it is done with. When no light was told, the status
  // above already says "unsure" and what to do (review of 2026-12-05: said twice, "all" then "most").
  const advice = settled ? [] : ((check.reading.quality && check.reading.quality.advice) || [])
    .filter((a) => !(nothingTold && a === "unsure"));
  // "turned", "read_turned" or "colour_misfit" alone: what to do, without "could hardly be read" (the photo was read).
  // A heading of its own: the advice after it has its own colon ("Most lights could not be read for sure: look...").
  const hardly = advice.some((a) => !["turned", "read_turned", "colour_misfit"].includes(a)) ? html`<b>${t("The photo could hardly be read")}</b><br>` : nothing;
  return html`<p class="led-read">${words}</p>${advice.length ? html`<p class="flash flash-warn led-advice">${hardly}${advice.map((a) => ADVICE_WORDS[a] || RETAKE_WORDS[a] || a).join(" ")}</p>` : nothing}${check.capture === "photo" && flashingLights(model).length ?
    html`<p class="muted small led-flash-hint">${t("One photo cannot show flashing: for %(lights)s record a 3-second burst, or watch them and tap.", { lights: flashingLights(model).join(" · ") })}</p>` : nothing}`;
}

// What the rings on the photo and the outlines on the buttons mean (colour is never the only sign).
// With no ring on the photo (nothing told, a gallery photo before its reading) only the buttons' part is said; before
// the photo is read (`waiting`) no button has the outline, so only the rings are explained, if drawn.
// One photo's green ring is a light lit, steady or flashing unknown (review r52: the legend said "steady on" above chips
// saying "lit (steady or flashing)").
const RINGS_LEGEND = () => t("On the photo: white ring off, green ring steady on, dashed yellow ring flashing, dotted grey ring not read.");
const OUTLINE_LEGEND = () => t("A yellow outline around a light's button: the photo could not tell, look at that light yourself.");
const RINGS_AND_OUTLINE_LEGEND = () => t("On the photo: white ring off, green ring steady on, dashed yellow ring flashing, dotted grey ring not read. A yellow outline around a light's button: the photo could not tell, look at that light yourself.");
const SINGLE_RINGS_AND_OUTLINE_LEGEND = () => t("On the photo: white ring off, green ring lit (steady or flashing), dashed yellow ring flashing, dotted grey ring not read. A yellow outline around a light's button: the photo could not tell, look at that light yourself.");

function ledLegend(rings, waiting, single = false) {
  let words;
  if (waiting) { words = rings ? RINGS_LEGEND() : null; }  // before the reading: no outline, and no photo's "lit"
  else { words = rings ? (single ? SINGLE_RINGS_AND_OUTLINE_LEGEND() : RINGS_AND_OUTLINE_LEGEND()) : OUTLINE_LEGEND(); }
  return words ? html`<p class="muted small led-legend">${words}</p>` : nothing;
}

async function checkView(ref, check, orderId) {
  const model = modelOf(ref, check);
  if (!model) { return nothing; }
  await takeKeptTaps(orderId, check, model);
  const reading = readingOf(check);
  const { held, src } = await photoSrc(shared.db, check.sha256, check.thumb_sha256 || check.sha256);
  const frames = held && held.blob && check.capture === "burst" ? check.frames : 1;
  const frame = check.frame || (check.reading && check.reading.frame) || { width: 4, height: 3 };
  // Marks go where the reading found the lights; before the reading, where the capture guide put them; a photo
  // sent back or not read shows none (the guide's places would sit on cables and print: review r5).
  const unread = check.reading && check.reading.quality && !check.reading.quality.ok;
  // A reading that told no light has no place to show either: the row it tried may be print (the real panel_08's marks
  // sat on its logo's letters, review of 2026-12-05); the buttons below take the technician's taps.
  // Before the reading, the capture guide's places, only on a check still on this phone that was framed with the guide:
  // a photo chosen from the phone's gallery was not (review of 2026-12-05: its marks sat on blank plastic).
  const told = reading && reading.some((l) => l.state !== "unsure");
  const waiting = !reading && !unread;  // not read yet: on this phone, or being read on the server
  const guided = !reading && !unread && check.local && check.guided !== false;
  const spots = told ? reading.map((l) => ({ x: l.x, y: l.y })) : guided ? L.guideSpots(ref, model.leds) : [];
  const states = shownStates(check);
  const lit = reading ? photoLit(check, states) : [];
  return html`<div class="led-check" data-check=${check.id}><p class="led-head"><b>${model.vendor ? `${model.vendor} ${model.name}` : t("Model not in the catalog")}</b>
    ${model.verified ? nothing : html`<span class="chip warn">${t("layout unverified")}</span>`}
    <small class="muted">${check.capture === "burst" ? t("3-second burst") : t("single photo")} · ${when(check.occurred_at || check.created_at)}</small>${pendingMark(check)}</p>
    ${checkStatus(check, reading, model)}${ledLegend(spots.length > 0, waiting, lit.some(Boolean))}${overlay(src, frame, frames, spots, states, `led-photo-${check.id}`, check.id, lit)}${chips(check.id, states, reading, waiting, lit, L.steadyKnown(check))}
    ${check.confirmed && check.confirmed_by ? html`<p class="muted small led-confirmed-by">${check.confirm_pending
      ? t("Confirmed by %(name)s, %(time)s; waiting to sync", { name: check.confirmed_by, time: when(check.confirmed_at) })
      : t("Confirmed by %(name)s, %(time)s", { name: check.confirmed_by, time: when(check.confirmed_at) })}</p>` : nothing}
    ${confirmedAsShown(check) ? html`<p class="muted small led-confirmed">${t("Confirmed. Tap a light to correct it and confirm again.")}</p>`
      : html`${confirmProblems[check.id] ? html`<p class="error led-confirm-problem" role="alert">${confirmProblems[check.id]}</p>` : nothing}
        <button class="btn primary" type="button" data-led-confirm=${check.id} @click=${() => confirmCheck(check.id)}>${t("Confirm these lights")}</button>`}</div>`;
}

// A draft's marks: where the capture guide held the lights; a photo chosen from the phone was framed without the
// guide, so its lights could be anywhere and no mark is drawn until the server reads it (review r9: numbered marks
// sat on blank plastic).
const draftSpots = (ref, d) => (d.guided === false ? [] : L.guideSpots(ref, d.model.leds));

const draftView = (ref, d) => html`<div class="led-draft" id="led-draft">${draftNotice.has(d.order_id)
    ? html`<p class="error led-draft-notice" role="alert">${t("This job already has an LED photo that is not saved (taken in another window): save or discard it, then take the new one.")}</p>` : nothing}
  <p>${t("Tap each light to say what you see; the photo is read when it syncs.")}</p>
  ${ledLegend(draftSpots(ref, d).length > 0, true)}
  ${overlay(d.url, d.frame, d.frames, draftSpots(ref, d), d.states, "led-draft-photo", "draft")}${chips("draft", d.states, null, true)}
  ${draftProblem.has(d.order_id) ? html`<p class="error led-draft-problem" role="alert">${draftProblem.get(d.order_id)}</p>`
    : d.unkept ? html`<p class="error led-draft-problem" role="alert">${t("The phone's storage is full: this photo and its taps are only in this page, and are lost if it is closed or reloaded. Save the LED check now, or free some space on the phone.")}</p>` : nothing}
  <div class="job-buttons"><button class="btn primary big-touch" type="button" data-led-save @click=${() => saveDraft(d)}>${t("Save the LED check")}</button>
  <button class="btn" type="button" data-led-discard @click=${() => discardDraft(d)}>${t("Discard")}</button></div></div>`;

// The names whose lights answer a question of the fault-finding tree (catalog.json "labels"; review r58: 光信号 typed as
// a name answered none, and nothing said so).
const knownNames = (ref) => Object.keys(ref.label_trees).filter((name) => ref.label_trees[name]).join(", ");

// The lights' names are asked only for a model not in the catalog (the catalog knows its own).
function showLabelsField(event) {
  document.getElementById("led-labels-field").hidden = event.target.value !== "custom";
}

function newCheckForm(ref, o, again) {
  // The model of the job's newest check first: another photo is most often of the same unit (review r57: after a check
  // of a ZTE F6005 the form went back to the order's model).
  // A model named by its lights (custom) comes back so, with the names typed (review r57c).
  const newest = (o.led_checks || []).filter((c) => c.model_id).pop();
  const named = newest && newest.model_id === "custom" && Array.isArray(newest.labels) && newest.labels.length
    ? newest.labels.join(",") : null;
  const guess = named ? null : (newest && ref.models.find((m) => m.id === newest.model_id)) || L.modelFor(ref, o.ont_model);
  return html`<form id="led-form" class="led-form">${again ? html`<h3>${t("New LED check")}</h3>` : nothing}
    <label class="field"><span>${t("Device model")}</span><select name="model" @change=${showLabelsField}>${guess || named ? nothing : html`<option value="" selected>${t("Choose the model")}</option>`}
      ${ref.models.map((m) => html`<option value=${m.id} ?selected=${guess && guess.id === m.id}>${m.vendor} ${m.name}${m.verified ? "" : ` (${t("layout unverified")})`}</option>`)}
      <option value="custom" ?selected=${Boolean(named)}>${t("Another model: name its lights")}</option></select></label>
    <label class="field" id="led-labels-field" ?hidden=${!named}><span>${t("Its lights, left to right (e.g. POWER,PON,LOS,LAN1)")}</span><input name="labels" autocomplete="off" maxlength="240" .value=${named || ""}>
      <small class="muted led-known-names">${t("The fault-finding guide reads the lights named %(names)s; other names are kept with the photo only.", { names: knownNames(ref) })}</small></label>
    <p class="muted small">${t("A model marked “layout unverified” has not been checked against a photo of a real panel: compare its lights with the box; if they differ, choose “Another model”.")}</p>
    <p class="error" id="led-error" role="alert" hidden></p>
    <div class="job-buttons"><button class="btn big-touch" type="button" data-led-capture="photo" @click=${(e) => capture(e, o, "photo")}>${t("Photo (steady lights)")}</button>
      <button class="btn big-touch" type="button" data-led-capture="burst" @click=${(e) => capture(e, o, "burst")}>${t("3-second burst (flashing lights)")}</button></div>
    <label class="btn wide"><input type="file" name="led-photo" accept="image/*" hidden @change=${(e) => pickPhoto(e, o)}> ${t("No camera here: choose a photo")}</label></form>`;
}

// The job page's LED section: saved checks, then the draft being tapped or else the form for a new check. While a
// draft is open the form is not shown: a second photo would take the draft's place and lose its taps, and an empty
// "New LED check" under it read as a second check begun (review r56). Saving or discarding the draft brings it back.
export async function ledView(o) {
  const ref = await reference("leds");
  if (!ref) { return nothing; }
  const checks = o.led_checks || [];
  const saved = await Promise.all(checks.map((c) => checkView(ref, c, o.id)));
  const mine = await draftOf(o.id);
  shownDraft = mine;
  return html`<section class="card" id="leds"><h2>${t("LED photo check")}</h2>${saved}
    ${mine ? draftView(ref, mine) : newCheckForm(ref, o, checks.length > 0)}</section>`;
}

// The model the form names: {model} or {error}.
function chosenModel(ref, form) {
  const id = form.elements.model.value;
  if (!id) { return { error: t("Choose the device model first.") }; }
  if (id !== "custom") { return { model: ref.models.find((m) => m.id === id) }; }
  const labels = L.parseLabels(form.elements.labels.value);
  if (!labels) { return { error: t("Name the lights left to right as the panel prints them, separated by commas: at most 16 names, each at most 12 letters, digits or Chinese characters (no other signs than . - / +).") }; }
  const twice = L.doubledLabel(labels);  // the server refuses it after the sync, the photo gone from here (review r58)
  if (twice) { return { error: t("Two lights have the same name, “%(name)s”: give each light its own name (LAN1, LAN2 …).", { name: twice }) }; }
  return { model: { id: "custom", kind: "ont", verified: false, vendor: "", name: "", labels, leds: customLeds(ref, labels) } };
}

// Start the order's draft with the photo `taken`, unless the phone keeps one already (taken in another tab since this one
// showed the form): that one stays, and this tab shows it and says why. Looking for it and keeping the new one are one
// transaction (drafts.js changeValue): two tabs choosing a photo within milliseconds each found none, then each kept
// its own, the later over the earlier with no word in either tab (19 races in 24), and a tab still showing the photo
// written over lost its taps. The first kept is the draft, as when the photos are chosen a minute apart.
async function startDraft(orderId, taken) {
  const d = Object.assign({ order_id: orderId, draft_id: S.uuid(), url: URL.createObjectURL(taken.blob),
    states: taken.model.leds.map((led) => ({ label: led.label, state: "unsure", color: null })) }, taken);
  let started = true;
  try {
    const kept = await changeValue(orderId, DRAFT_FORM, (now) => (isDraft(now) ? undefined : keptForm(d)));
    if (kept) { Object.assign(d, { stored: true, rev: kept.rev }); } else { started = false; }
  } catch (err) {
    d.unkept = true;  // not kept (the phone's storage full): this tab holds it alone, and says so
  }
  if (started) {
    draftNotice.delete(orderId);
    forget(orderId);
    drafts.set(orderId, d);
  } else {
    URL.revokeObjectURL(d.url);
    draftNotice.add(orderId);
  }
  await shared.render();
  scrollToId("led-draft");
}

async function capture(event, o, mode) {
  const ref = await reference("leds");
  const chosen = chosenModel(ref, event.target.form);
  if (chosen.error) { showError("led-error", chosen.error); return; }
  showError("led-error", await openCamera(ref, chosen.model, mode, (taken) => startDraft(o.id, taken)));
}

async function pickPhoto(event, o) {
  const input = event.target;
  if (!input.files.length) { return; }
  const file = input.files[0];
  input.value = "";  // the same photo chosen again (after the names were put right) is a change again (review r58)
  const chosen = chosenModel(await reference("leds"), input.form);
  if (chosen.error) { showError("led-error", chosen.error); return; }
  let keptAsIs = false;  // a HEIC or AVIF this phone cannot decode (shrunk() sends it as it is)
  try {
    const { blob, seeThrough } = await shrunk(file);
    keptAsIs = seeThrough === null;
    if (seeThrough > SEE_THROUGH) { showError("led-error", RETAKE_WORDS.see_through); return; }
    const bitmap = await createImageBitmap(blob);
    const frame = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    showError("led-error", "");
    // The picked file's colour, which the copy sent no longer says (photos.js pickedColour): the reader needs it.
    const source = await pickedColour(file);
    await startDraft(o.id, { model: chosen.model, capture: "photo", frames: 1, blob, frame, guided: false, source });
  } catch (err) {
    // The lights are marked on the photo here, so the phone must show it: a HEIC it cannot open is no use (review r11).
    showError("led-error", keptAsIs
      ? t("This phone cannot open HEIC or AVIF photos here: choose a JPEG photo, or take one with the “Photo” or “Burst” button.")
      : problemWords(err));
  }
}

// Taps and saves of drafts run one after another: each reads the phone's kept copy and writes it back, and two
// landing together (two fingers) kept only the second (review r57c). A second tap on Save finds the draft queued.
let inTurn = Promise.resolve();
function oneAtATime(work) {
  const done = inTurn.then(work, work);
  inTurn = done.catch(() => {});
  return done;
}

const saveDraft = (d) => oneAtATime(() => saveKept(d));

// Save the draft as kept. Queued only while it is the revision read (store.js enqueue `consumes.rev`): a tap another tab
// made meanwhile went into the kept draft, and the check queued without it dropped it (review r59, 6 tries in 12 with
// the tap 0-3 ms after Save); the draft is then read again and queued with it.
async function saveKept(d) {
  draftNotice.delete(d.order_id);
  draftProblem.delete(d.order_id);
  for (;;) {
    if (!(await asKept(d))) { await shared.render(); return; }  // saved or discarded in another tab
    if (!(await queueDraft(d))) { return; }
  }
}

// Queue the draft `d` as read (asKept). → true when it was changed in another tab meanwhile and nothing was queued.
async function queueDraft(d) {
  const sha = await sha256(d.blob);
  // Only lights the technician tapped are their word: every light starts "unsure" (not said), a draft
  // saved untouched sends no taps, and lights left untapped stay "unsure" — the photo's reading fills
  // them in and the technician confirms the whole row later (reviews r3, r5: an "off" start sent
  // untapped lights to the fault tree as confirmed off).
  const touched = d.touched || d.states.some((s) => s.state !== "unsure");
  const args = { order_id: d.order_id, check_id: S.uuid(), capture: d.capture, sha256: sha, frames: d.frames,
                 tapped: touched ? d.states : null, frame: d.frame, model_kind: d.model.kind,
                 labels: d.states.map((s) => s.label).join(","), guided: d.guided !== false };
  if (d.model.id !== "custom") { args.model_id = d.model.id; }
  if (d.seconds) { args.seconds = d.seconds; }
  if (d.source) { args.source_jpeg = d.source; }  // the picked file's colour, which the re-encoded copy no longer says
  // Its kept copy goes in the transaction that queues it (review r58: dropped first, then not queued with the storage
  // full or the page reloaded in between, the check was lost), and only if it is still this draft: a draft another tab
  // saved meanwhile is not queued twice; one this tab alone holds (never kept) leaves another tab's draft alone (r57d).
  let entry;
  try {
    entry = await queue(d.order_id, "order.led_check", args, [{ sha256: sha, blob: d.blob, type: d.blob.type || "image/jpeg" }],
      // A tap this tab could not keep (`unkept`) is newer than the kept draft: this tab's copy is the one to queue.
      { consumes: d.stored ? { key: draftKey(d.order_id, DRAFT_FORM), id: d.draft_id, rev: d.unkept ? undefined : d.rev || 0 } : null,
        queued: () => { d.queued = true; forget(d.order_id); } });
  } catch (err) {  // the phone's storage is full: nothing was queued, the draft stays as it is, and the technician knows
    draftProblem.set(d.order_id, t("The phone's storage is full: this LED check was not saved. Free some space on the phone (old photos or videos, other apps' data), then tap “Save the LED check” again."));
    await shared.render();
    return false;
  }
  if (entry) { return false; }
  if (d.stored && (await storedCopy(d))) { return true; }  // tapped in another tab meanwhile: read it again
  forget(d.order_id);  // saved or discarded in another tab meanwhile
  await shared.render();
  return false;
}

// Its kept copy goes even when its last tap could not be kept (review r57d: the older copy came back), or another tab
// tapped it since this one drew it (the technician threw this photo away, taps and all), but not another draft of the
// order, started in another tab: looking for it is the transaction that deletes it (drafts.js dropValue), where a read
// and then a delete of its own dropped a draft another tab had started in between.
const discardDraft = (d) => oneAtATime(async () => {
  draftNotice.delete(d.order_id);
  draftProblem.delete(d.order_id);
  forget(d.order_id);
  await dropValue(d.order_id, DRAFT_FORM, (kept) => isDraft(kept) && kept.draft_id === d.draft_id);
  await shared.render();
});

async function checkOnScreen(checkId) {
  const id = Number(location.pathname.split("/").pop());
  const order = await orderView(id);
  return { order, check: order && (order.led_checks || []).find((c) => c.id === checkId) };
}

// A tap on a light's chip or mark: off → on → flashing.
const tapLight = (key, index) => oneAtATime(() => tapNow(key, index));

async function tapNow(key, index) {
  delete confirmProblems[key];
  if (key === "draft") {
    if (!shownDraft) { return; }
    await tapDraft(shownDraft, index);
  } else if (!(await tapCheck(key, index))) { return; }
  await shared.render();
}

// The light `st` (the model's `led`) after one tap, changed in place; `photosLit`: one photo showed it lit (photoLitAt).
// A light one photo showed lit (steady or flashing unknown) goes first to steady on, the technician's own word, and
// after off back to the photo's word: lit → steady on → flashing → off → lit (review r52: it went lit → flashing →
// off → lit, never steady; review r53: once steady, a stray tap could not be taken back to the photo's word).
// A tapped light is the technician's word, not the photo's: confirmed "on" so, a single photo's light is steady on.
// `onCheck`: a saved check's light, marked tapped (a draft's taps are all the technician's word already, sent as the
// check's own taps).
function tapState(st, led, photosLit, onCheck) {
  const photoShowedLit = photosLit && !st.tapped && st.state === "on";  // shown now as the photo's lit
  const next = photoShowedLit ? "on" : L.nextState(st.state);
  st.state = next;
  if (onCheck) {
    if (photosLit && !photoShowedLit && next === "on") { delete st.tapped; } else { st.tapped = true; }
  }
  st.color = st.state === "off" ? null : (st.color || (led.colors && led.colors.length ? led.colors[0] : "green"));
}

// A tap on a draft's light goes on its kept copy, in the transaction that reads it (drafts.js changeValue): another
// tab may have tapped it since this one drew it, or saved or discarded it; and two tabs tapping at once, each reading
// the draft and writing it back, kept one tap of the two (1 run in 5).
async function tapDraft(d, index) {
  if (!(await asKept(d))) { return; }  // saved or discarded, here or in another tab
  const led = d.model.leds[index];
  shared.lastInput = Date.now();  // a sync's redraw must not undo the tap
  if (d.stored && !d.unkept) {
    try {
      const kept = await changeValue(d.order_id, DRAFT_FORM, (now) => {
        if (!now || now.draft_id !== d.draft_id) { return undefined; }
        tapState(now.states[index], led, false, false);
        return Object.assign(now, { touched: true, rev: (now.rev || 0) + 1 });  // a Save that read it before queues it again
      });
      if (kept) { Object.assign(d, { states: kept.states, touched: true, rev: kept.rev }); } else { forget(d.order_id); }
      return;
    } catch (err) { /* not kept (the phone's storage full): the tap goes on this tab's copy, below */ }
  }
  tapState(d.states[index], led, false, false);
  d.touched = true;
  await keepLedDraft(d);
}

// The kept taps of a check of the model `model` ({states} in "meta"), else null.
const keptTaps = (kept, model) => (kept && Array.isArray(kept.states) && kept.states.length === model.leds.length ? kept.states : null);

// This tab's taps of `check` made what the phone keeps (made before a reload, or in another tab), unless the phone could
// not keep this tab's last tap.
async function takeKeptTaps(orderId, check, model) {
  if (unkeptTaps.has(check.id)) { return; }
  const stored = await loadDraft(orderId, TAPS_FORM(check.id));
  const kept = keptTaps(stored, model);
  tapsRev[check.id] = (kept && stored.rev) || 0;
  if (kept) { edits[check.id] = kept; } else { delete edits[check.id]; }
}

// A tap on a saved check's light goes on its kept taps, in the transaction that reads them (drafts.js changeValue), as a
// draft's does: another tab may have tapped the check since this one drew it (review r59: each tab wrote the taps it held,
// and the other tab's tap was lost). → false when the check is not on screen.
async function tapCheck(checkId, index) {
  const { order, check } = await checkOnScreen(checkId);
  if (!check) { return false; }
  const model = modelOf(await reference("leds"), check);
  const tap = (states) => {
    tapState(states[index], model.leds[index], photoLitAt(check, states, index), true);
    return states;
  };
  const shown = () => JSON.parse(JSON.stringify(shownStates(check)));
  shared.lastInput = Date.now();  // a sync's redraw must not undo the tap
  try {
    const kept = await changeValue(order.id, TAPS_FORM(checkId), (now) => ({ states: tap(keptTaps(now, model) || shown()),
      rev: ((keptTaps(now, model) && now.rev) || 0) + 1 }));
    edits[checkId] = kept.states;
    unkeptTaps.delete(checkId);
  } catch (err) {
    // Not kept (the phone's storage full): the tap is on screen only, and the technician is told (review r58c).
    edits[checkId] = tap(shown());
    unkeptTaps.add(checkId);
    confirmProblems[checkId] = t("The phone's storage is full: your taps are only in this page, and are lost if it is closed or reloaded. Confirm the lights now, or free some space on the phone.");
  }
  return true;
}

// Confirm what the chips show (taps, else the reading): every light must have a state by then. A light nobody
// tapped that the photo could not tell (or a photo not read: review r6, where the button used to do nothing) is
// named beside the button, and nothing is sent.
const confirmCheck = (checkId) => oneAtATime(() => confirmNow(checkId));

// Whether the check is confirmed as its chips show it, with nothing tapped since: by a confirmation, or by every light
// tapped when it was saved, which the server takes as one (review r58c: a check saved so, waiting to sync, still offered
// "Confirm these lights", and a tap on it recorded the same states twice).
const confirmedAsShown = (check) => Boolean(check.confirmations || check.confirmed) && !edits[check.id];

async function confirmNow(checkId) {
  const { order, check } = await checkOnScreen(checkId);
  if (check) { await takeKeptTaps(order.id, check, modelOf(await reference("leds"), check)); }  // another tab's taps too
  // Confirmed already, with no tap since: a second tap on the button (a double tap) confirms nothing again (review r58).
  if (!check || confirmedAsShown(check)) { return; }
  const states = shownStates(check);
  const untold = states.filter((s) => s.state === "unsure").map((s) => s.label);
  if (untold.length) {
    confirmProblems[checkId] = t("Tap these lights to say what you see, then confirm: %(lights)s", { lights: untold.join(" · ") });
    await shared.render();
    return;
  }
  delete confirmProblems[checkId];
  // The kept taps go in the transaction that queues the confirmation (review r58: dropped first, a reload in between
  // or the storage full lost them), and leave memory before the redraw, which would show them as not confirmed; only
  // while they are the revision read: a tap another tab made since is confirmed with them, not dropped (review r59).
  const rev = unkeptTaps.has(checkId) ? undefined : tapsRev[checkId] || 0;  // this tab's taps not kept are the newer
  try {
    const entry = await queue(order.id, "order.led_confirm", { order_id: order.id, confirm_id: S.uuid(), check_id: checkId, states },
      [], { consumes: { key: draftKey(order.id, TAPS_FORM(checkId)), rev },
            queued: () => { delete edits[checkId]; unkeptTaps.delete(checkId); } });
    if (!entry) { await confirmNow(checkId); }  // tapped in another tab meanwhile: confirm the taps as they are now
  } catch (err) {  // the phone's storage is full: nothing was queued, the taps stay, and the technician knows
    confirmProblems[checkId] = t("The phone's storage is full: the lights were not confirmed. Free some space on the phone (old photos or videos, other apps' data), then tap “Confirm these lights” again.");
    await shared.render();
  }
}

// What the order's latest confirmed LED check says for a tree question (node.led): {state, by (display name),
// at (ISO time of the confirmation)}, or null. Who and when go beside the suggestion: after a reassignment the
// states may be the previous technician's, hours old (review r7).
export async function ledSuggestion(o, playbookId, node) {
  const ref = await reference("leds");
  if (!ref) { return null; }
  const wantRouter = playbookId === "router" || /^Router/.test(node.led);
  // Only the newest check of the device counts: an older confirmation is stale once a newer photo was taken (the
  // power fixed since, review r6), and a newer check not confirmed yet says nothing until it is.
  const newest = (o.led_checks || []).filter((check) => (check.model_kind === "router") === wantRouter).pop();
  if (!newest || !newest.confirmed) { return null; }
  const answers = L.treeAnswers(L.confirmedLeds(newest, modelOf(ref, newest)), newest.model_kind);
  return node.led in answers ? { state: answers[node.led], by: newest.confirmed_by || null, at: newest.confirmed_at || null,
    steadyKnown: L.steadyKnown(newest) } : null;
}
