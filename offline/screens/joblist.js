// The job list: today's visits, orders that still need an appointment, later ones, and those
// done but not yet synced. Drawn from the order views on the phone.
import { html, nothing } from "../html.js";
import { t, label } from "../i18n.js";
import { local, localInput, today, when } from "../time.js";
import { allOrders, pullArriving } from "../order-view.js";
import { stateChip, telHref } from "../ui.js";
import { attentionView } from "./attention.js";

const S = self.ONTrackStore;
const FINISHED = ["returned", "rejected", "unsolved", "closed"];

// An appointment of an earlier day still on the list: the visit is late, said in words.
const lateMark = (o) => (o.appointment_start && local(o.appointment_start).date < today()
  ? html` <span class="chip late">${t("Late: appointment was %(date)s", { date: local(o.appointment_start).date.slice(5) })}</span>` : nothing);

const card = (o) => {
  const slot = o.appointment_start ? `${when(o.appointment_start)}–${(local(o.appointment_end) || { time: "" }).time}` : t("No appointment yet");
  return html`<li class="job card" id="job-${o.id}">
    <a class="job-main" data-nav href="/jobs/${o.id}"><div class="job-top">${stateChip(o.state, o.order_type)} <small class="muted">${o.order_no}</small></div>
      <div class="job-when">${slot}${lateMark(o)}</div>
      <div class="job-who">${o.customer_name} · ${label("order_type", o.order_type)} · ${label("symptom", o.symptom)}</div>
      <div class="job-where muted">${o.address}</div></a>
    <div class="job-buttons"><a class="btn" href=${telHref(o.contact_phone)}>${t("Call")}</a><a class="btn" href=${o.map.geo}>${t("Map")}</a></div></li>`;
};

const group = (title, id, orders, badge) => html`<h2>${title}${badge ? html` <span class="badge">${orders.length}</span>` : nothing}</h2>
  <ul class="jobs" id=${id}>${orders.map(card)}</ul>`;

// The list screen: {title, view}.
export async function jobListScreen(db) {
  const orders = await allOrders();
  const day = today();
  const active = orders.filter((o) => !FINISHED.includes(o.state));
  const toAppoint = active.filter((o) => !o.appointment_start);
  const dated = active.filter((o) => o.appointment_start)
    .sort((a, b) => (localInput(a.appointment_start) < localInput(b.appointment_start) ? -1 : 1));
  const todays = dated.filter((o) => local(o.appointment_start).date <= day);
  const later = dated.filter((o) => local(o.appointment_start).date > day);
  const done = orders.filter((o) => FINISHED.includes(o.state));
  const neverLoaded = !orders.length && !pullArriving() && !(await S.getMeta(db, "cursor"));
  const view = html`<h1>${t("My jobs")}</h1>${await attentionView(null)}
    ${neverLoaded ? html`<p class="card muted">${t("Your jobs have not been loaded onto this phone yet. Connect once to load them.")}</p>` : nothing}
    ${toAppoint.length ? group(t("Make an appointment"), "jobs-to-appoint", toAppoint, true) : nothing}
    <h2>${t("Today")}</h2><ul class="jobs" id="jobs-today">${todays.length ? todays.map(card) :
      html`<li class="empty muted">${t("No appointments today.")}</li>`}</ul>
    ${later.length ? group(t("Later"), "jobs-later", later) : nothing}
    ${done.length ? group(t("Done, waiting to sync"), "jobs-done", done) : nothing}`;
  return { title: t("My jobs"), view };
}
