// The technician's notices: SLA warnings and breaches of their orders, and the desk's changes to
// them (a new order, one taken off them, one changed), carried by every sync pull into the
// briefcase (webapp/sla/notices.py), so they are read offline. One line per event: a warning and
// a breach of the same order in the same minute come from the server as one event.
// "Mark all read" is queued in the outbox like any other change and shown at once.
// The card that turns on Web Push is here too (push.js).
import { html, nothing } from "../html.js";
import { shared } from "../context.js";
import { t, label } from "../i18n.js";
import { when } from "../time.js";
import { pushCard } from "../push.js";

const S = self.ONTrackStore;
const MARK_READ = "notices.mark_read";

// Each kind in the desk's words (labels "notice_kind", webapp/labels.py NOTICE_KINDS).
// A kind this version of the app does not know yet is a "Notice", never a raw code.
const kindWord = (kind) => (label("notice_kind", kind) !== kind ? label("notice_kind", kind) : t("Notice"));
// A notice about an order taken off this technician never leads to it, even while the phone still holds it.
const leadsToOrder = (e, onPhone) => onPhone && e.kinds[0] !== "reassigned";

// The events on the phone, newest first, with notices marked read by queued changes already read.
export async function noticeEvents() {
  const tx = shared.db.transaction(["notices", "outbox"]);
  const events = await tx.objectStore("notices").getAll();
  const queued = (await tx.objectStore("outbox").getAll()).filter((e) => e.name === MARK_READ);
  await tx.done;
  const markedRead = new Set(queued.flatMap((e) => e.args.ids));
  events.forEach((e) => { e.read = e.read || e.ids.every((id) => markedRead.has(id)); });
  return events.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id));
}

// The number of unread events, on the navigation's "Notices" link (the server's count is as old as the page).
export async function showUnreadCount() {
  const link = document.querySelector(".notices-link");
  // Before the first pull the phone knows nothing yet: the server's count in the page stands.
  if (!link || !shared.db || (await S.getMeta(shared.db, "cursor")) == null) { return; }
  const unread = (await noticeEvents()).filter((e) => !e.read).length;
  let badge = link.querySelector("#notice-count");
  if (!unread) { if (badge) { badge.remove(); } return; }
  if (!badge) {
    badge = document.createElement("span");
    badge.className = "badge";
    badge.id = "notice-count";
    link.append(" ", badge);
  }
  badge.textContent = String(unread);
}

async function markAllRead(events) {
  const ids = events.filter((e) => !e.read).flatMap((e) => e.ids);
  if (!ids.length) { return; }
  await S.enqueue(shared.db, { name: MARK_READ, args: { ids }, order_id: null, base_version: null });
  await shared.render();
  shared.requestSync();
}

const eventView = (e, onPhone) => {
  const grave = e.kinds[0];
  const details = (e.details || []).map((action) => label("action", action));
  const words = html`<span class="chip notice-${grave}">${kindWord(grave)}</span>
    ${e.kinds.length > 1 ? html`<small class="muted">(${e.kinds.slice(1).map(kindWord).join("、")})</small>` : nothing}
    ${e.policies.map((code) => label("policy", code)).join("、")}
    ${details.length ? html`<div class="notice-detail">${t("Desk action: %(actions)s", { actions: details.join("、") })}</div>` : nothing}
    ${e.titles.length ? html`<div>${e.titles.map((title) => t("Escalated to the %(title)s", { title: label("title", title) })).join("；")}</div>` : nothing}
    <div><b>${e.order_no}</b> · ${e.customer_name} · <time datetime=${e.created_at}>${when(e.created_at)}</time></div>`;
  // Taken off and given back later: the newer "new order for you" line leads to it, this one says what happened then.
  const gone = onPhone ? nothing : html`<small class="muted">${t("This order is no longer on your phone.")}</small>`;
  return html`<li class="card notice notice-${grave} ${e.read ? "read" : "unread"}" data-event=${e.id} data-kind=${grave}>
    ${leadsToOrder(e, onPhone) ? html`<a class="notice-main" data-nav href="/jobs/${e.order_id}">${words}</a>`
      : html`<div class="notice-main">${words}${gone}</div>`}</li>`;
};

// The notices screen: {title, view}.
export async function noticesScreen() {
  const events = await noticeEvents();
  const held = new Set(await shared.db.getAllKeys("orders"));
  const unread = events.filter((e) => !e.read).length;
  const view = html`<h1>${t("Notices")}</h1>
    <p class="notice-tools"><span class="muted">${unread ? t("%(n)d unread", { n: unread }) : t("All read")}</span>
      ${unread ? html`<button class="btn" type="button" id="notices-read-all" @click=${() => markAllRead(events)}>${t("Mark all read")}</button>` : nothing}</p>
    <ul class="notices" id="notices">${events.length ? events.map((e) => eventView(e, held.has(e.order_id)))
      : html`<li class="muted">${t("No notices.")}</li>`}</ul>
    ${pushCard()}
    <p><a class="btn" data-nav href="/jobs/">${t("My jobs")}</a></p>`;
  return { title: t("Notices"), view };
}
