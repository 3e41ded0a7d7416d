// The status bar above every screen: changes waiting, the last sync, what needs attention, why
// a sync failed (no connection, log in again, someone else logged in), another person's changes
// kept on this phone, and the "Sync now" button.
import { html, nothing, render } from "./html.js";
import { boot, shared } from "./context.js";
import { t } from "./i18n.js";
import { when } from "./time.js";

const S = self.ONTrackStore;
const bar = document.getElementById("sync-status");

// The bar stays at the top while the page scrolls; whatever is scrolled into view (a tap target, a
// focused field, a "#part" link, a screen's own scrollIntoView) must stop below it, not under it.
// Its height changes with its words (one line online, three offline at 360 px), so it is measured.
new ResizeObserver(() => {
  document.documentElement.style.setProperty("--sync-bar-height", `${bar.offsetHeight}px`);
}).observe(bar);

// scroll-padding-top covers what the browser scrolls; a field it does not scroll (already inside the
// viewport, only behind the bar: tapped or reached by Tab with its top edge under the bar) is moved
// down below the bar here, with the same half-line of space.
document.addEventListener("focusin", (event) => {
  const target = event.target;
  if (!(target instanceof Element) || bar.contains(target) || bar.hidden) { return; }
  const under = bar.getBoundingClientRect().bottom - target.getBoundingClientRect().top;
  if (under > 0 && target.getBoundingClientRect().bottom > 0) {
    window.scrollBy({ top: -(under + parseFloat(getComputedStyle(document.documentElement).fontSize) / 2), behavior: "instant" });
  }
});

function problemWords(code) {
  return {
    offline: t("No connection: changes are kept on this phone."),
    login: t("Log in again to send your changes."),
    "other-user": t("Someone else is logged in: this person's changes stay on the phone."),
    device: t("This phone is registered to another person."),
    storage: t("The phone's storage is full, so the sync cannot finish; the changes already on the phone are kept. Free some space on the phone (old photos or videos, other apps' data)."),
  }[code] || t("Sync failed; it will be retried.");
}

// The technician's changes among outbox entries waiting to be sent. A step taken back (outbox.js withdraw) still sends
// its number, as "sync.withdrawn", but is no change: the bar said "1 change waiting" beside a step shown undone.
const changesIn = (entries) => entries.filter((e) => e.name !== "sync.withdrawn").length;

// Changes queued by other people who used this phone (their own databases), counted once; every draw waits for it.
let othersCount = null;
function othersWaiting() {
  othersCount = othersCount || (async () => {
    if (!indexedDB.databases) { return 0; }
    let count = 0;
    for (const { name = "" } of await indexedDB.databases()) {
      if (!name.startsWith("ontrack-u") || name === S.dbName(boot.user.id)) { continue; }
      const other = await S.open(name.slice("ontrack-u".length));
      count += changesIn(await S.waiting(other));
      other.close();
    }
    return count;
  })().catch(() => 0);
  return othersCount;
}

// The one state the bar shows, most pressing first: the phone cannot keep work (plain HTTP, said
// by the page's own warning), syncing now, no connection, a problem, changes waiting, all synced.
// Never two at once: "everything is synced" beside "no connection" would be a guess either way.
export function syncState({ secure, online, syncing, waiting, trouble }) {
  if (!secure) { return "insecure"; }
  if (syncing) { return "syncing"; }
  if (!online || trouble === "offline") { return "offline"; }
  if (trouble) { return "trouble"; }
  return waiting ? "waiting" : "synced";
}

// The bar's first words for a state: what is wrong (if anything), then what is waiting.
// #sync-waiting's data-count is the changes waiting, data-outbox the entries still to send (a taken-back step's number).
function headline(state, waiting, trouble, outbox) {
  const kept = waiting ? t("%(n)d changes waiting", { n: waiting }) : "";
  const count = html`<span id="sync-waiting" data-count=${waiting} data-outbox=${outbox}>${state === "syncing" ? t("Syncing…") : state === "synced" ?
    t("Everything is synced") : kept}</span>`;
  if (state !== "offline" && state !== "trouble") { return count; }
  const code = state === "offline" ? "offline" : trouble;
  return html`<span id="sync-problem" class="problem">${problemWords(code)}${code === "login" ?
    html` <a href="/login?next=${encodeURIComponent(location.pathname)}">${t("Log in")}</a>` : nothing}</span>${waiting ? " · " : ""}${count}`;
}

// The last sync's problem when the phone could not keep it (its storage full: sync.js), else null: shown before the
// kept one, which is older.
let problemNotKept = null;

// Note a sync's result (ONTrackSync.run's) for the bar: a problem the phone could not keep is shown from here.
export function noteSyncResult(result) {
  if (!result || !(result.ok || result.problem)) { return; }  // another loop ran, or none: nothing new to say
  problemNotKept = result.problemNotKept ? { code: result.problem } : null;
}

// Draw the bar; syncing: whether a sync is running now.
// Of overlapping calls only the latest draws (README).
let latestStatus = 0;
export async function renderStatus(syncing) {
  const ticket = ++latestStatus;
  const db = shared.db;
  const outbox = await S.waiting(db);
  const waiting = changesIn(outbox);
  const attention = (await db.getAll("attention")).length;
  const last = await S.getMeta(db, "last_sync");
  const problem = problemNotKept || await S.getMeta(db, "problem");
  const others = await othersWaiting();
  if (ticket !== latestStatus) { return; }
  const trouble = problem && problem.code;
  const state = syncState({ secure: window.isSecureContext, online: navigator.onLine, syncing, waiting, trouble });
  bar.className = `sync-status state-${state}`;
  bar.dataset.state = state;
  if (state === "insecure") {  // the page's warning above says it all; a sync state beside it would contradict it
    render(html`<span id="sync-waiting" data-count=${waiting} data-outbox=${outbox.length}></span>`, bar);
    bar.hidden = true;
    return;
  }
  bar.hidden = false;
  const bits = [
    headline(state, waiting, trouble, outbox.length),
    html`<span id="sync-last" class="muted">${last ? t("Last sync %(time)s", { time: when(last) }) : t("Never synced")}</span>`,
  ];
  if (attention) { bits.push(html`<a href="/jobs/#attention" data-nav class="attention-link">${t("%(n)d need attention", { n: attention })}</a>`); }
  if (others) { bits.push(html`<span class="muted">${t("%(n)d changes of another person are kept on this phone until they log in.", { n: others })}</span>`); }
  // The words wrap beside the button, never the button under them: the bar keeps its one-line
  // height from "Syncing…" to "Everything is synced · Last sync …" (a layout shift, issue 14).
  // The button keeps its words while a sync runs (the words beside it say "Syncing…"), only greyed:
  // a button that changed its words changed its width, and the words beside it moved at every sync.
  render(html`<span class="sync-words">${bits.map((bit, i) => (i ? html` · ${bit}` : bit))}</span> <button class="btn small" type="button" id="sync-now" ?disabled=${syncing}
    @click=${() => shared.requestSync()}>${t("Sync now")}</button>`, bar);
}
