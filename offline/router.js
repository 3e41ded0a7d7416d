// The technician app's one router: a URL names a screen. /jobs/ is the job list; /jobs/<id> is
// that order's job page, or its fault-finding runner while a run is open; /jobs/notices the notices. Links marked data-nav
// change the URL without leaving the page (the shell works offline). A screen's module is
// loaded when it is first shown, so opening the job list downloads only what the list needs;
// the service worker precaches every module for offline use.
import { html, nothing, render } from "./html.js";
import { shared } from "./context.js";
import { colon, t } from "./i18n.js";
import { when } from "./time.js";
import { allOrders, orderView, reference } from "./order-view.js";
import { groupFaultBanner } from "./groupfault-banner.js";
import { redrawBar } from "./autosync.js";
import { notePlaces } from "./double-tap.js";
import { jobListScreen } from "./screens/joblist.js";  // the start screen; the job page's modules load on demand
import { noticesScreen } from "./screens/notices.js";

const app = document.getElementById("app");

// The order id of a job page URL, or null for the list.
export function currentOrderId() {
  const m = location.pathname.match(/^\/jobs\/(\d+)$/);
  return m ? Number(m[1]) : null;
}

// {title, view, drawn?}: the screen for a URL's order id (null: the list).
async function screenFor(id) {
  if (!id) { return location.pathname === "/jobs/notices" ? noticesScreen() : jobListScreen(shared.db); }
  const [job, faultFinding] = await Promise.all([import("./screens/job.js"), import("./screens/fault-finding.js")]);
  const order = await orderView(id);
  if (!order) { return job.missingJobScreen(id); }
  const run = await faultFinding.openRun(order);
  const playbooks = run && await reference("playbooks");
  return run && playbooks ? faultFinding.runnerScreen(order, run, playbooks) : job.jobScreen(order);
}

// Draw the screen for the current URL. afterSync: a redraw the technician did not ask for,
// skipped when they typed or drew while it was being prepared (it would undo what they did).
let latestDraw = 0;

export async function draw(afterSync) {
  const started = Date.now();
  const ticket = ++latestDraw;
  if (!afterSync) { shared.typing = false; }
  const id = currentOrderId();
  // "Area under group fault" above the screen, for this job or any job in the list (offline too).
  const [screen, shown] = await Promise.all([screenFor(id), id ? orderView(id).then((o) => [o]) : allOrders()]);
  if (ticket !== latestDraw) { return; }  // a newer draw (another URL, fresher data) was asked for meanwhile
  const banner = groupFaultBanner(shown, { t, when, colon });
  // Where the page is now, not where it was when this draw began: a scroll made while the screen was being
  // prepared (a finger, or a tap's scroll into view) must not be undone under the finger.
  const y = window.scrollY;
  if (!(afterSync && shared.lastInput >= started)) {
    if (!app.dataset.drawn) { app.replaceChildren(); app.dataset.drawn = "1"; }  // the server's "opening…" line
    render(html`${banner || nothing}${screen.view}`, app);
    if (screen.title) { document.title = `${screen.title} · ONTrack`; }
    if (screen.drawn) { screen.drawn(); }
  }
  window.scrollTo(0, y);
  notePlaces(app);  // a step's button that the redraw put under the finger waits for a deliberate tap
  await redrawBar();
}

async function follow(link) {
  shared.openRunId = null;
  history.pushState(null, "", link.getAttribute("href"));
  window.scrollTo(0, 0);
  await draw();
  if (link.hash) {
    const target = document.querySelector(link.hash);
    if (target) { target.scrollIntoView(); }
  }
}

// Follow data-nav links inside the app and the status bar; redraw on back/forward.
export function startRouter() {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-nav]");
    if (!link) { return; }
    event.preventDefault();
    follow(link);
  });
  window.addEventListener("popstate", () => draw());
}
