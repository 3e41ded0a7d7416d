// An installation (装机) order's visit steps on the job page (domain reference §6.2, §7.3): order
// review, a real appointment, resource survey, construction and progress, commissioning, handover,
// callback. They stand where a repair order's fault-finding guides stand; the guides stay below
// for a service that does not come up. The list is reference data "installation_steps"
// (webapp/installations/steps.json), so it shows offline.
import { html, nothing } from "../html.js";
import { lang } from "../i18n.js";
import { reference } from "../order-view.js";

export const isInstallation = (o) => o.order_type === "installation";

export async function installationStepsView(o) {
  const list = isInstallation(o) ? await reference("installation_steps") : null;
  if (!list) { return nothing; }
  return html`<section class="card" id="installation-steps"><h2>${list.title[lang]}</h2><ol class="install-steps">
    ${list.steps.map((step) => html`<li data-step=${step.id} data-source=${step.source}><b>${step.title[lang]}</b><br>${step.text[lang]}</li>`)}
    </ol></section>`;
}
