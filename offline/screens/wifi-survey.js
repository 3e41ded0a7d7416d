// The Wi-Fi survey on the job page: networks typed in from the phone's analyser (offline) or a
// scan file (online, read by the server), analysed with the same rule as the server (wifi.js),
// previewed, then saved on the order through the outbox (order.wifi_survey).
import { html, nothing } from "../html.js";
import { t, lang } from "../i18n.js";
import { when } from "../time.js";
import { reference } from "../order-view.js";
import { shared } from "../context.js";
import { queue } from "../outbox.js";
import { pendingMark, scrollToId, showError, signKey, typedNumber } from "../ui.js";

const WF = self.ONTrackWifi;
const S = self.ONTrackStore;
const BANDS = ["2.4", "5"];
let preview = null;  // analysed but not saved: {order_id, source, format, analysis}
let extraRows = 0;   // rows added with "Another network" beyond the first three

function analysisView(ref, analysis, id) {
  const recs = BANDS.map((band) => {
    const r = analysis.recommendation[band];
    return r ? html`<li class="wifi-rec"><b>${band} GHz → ${t("channel %(n)s", { n: r.channel })} (${r.width_mhz} MHz)</b> ${r.reason}</li>` : nothing;
  });
  const charts = BANDS.filter((band) => analysis.networks.some((n) => n.band === band) || analysis.recommendation[band])
    .map((band) => html`<figure><figcaption>${band} GHz</figcaption>${WF.chart(ref, analysis, band) || nothing}</figure>`);
  return html`<div class="wifi-analysis" id=${id}><ul class="wifi-recs">${recs}</ul><div class="wifi-charts">${charts}</div>
    <ul class="findings">${analysis.findings.map((f) => html`<li class="finding ${f.severity}">${f.message}</li>`)}</ul>
    <details><summary>${t("%(n)d networks", { n: analysis.networks.length })}</summary><table class="wifi-table">
      <thead><tr><th>SSID</th><th>GHz</th><th>${t("Channel")}</th><th>MHz</th><th>dBm</th></tr></thead>
      <tbody>${analysis.networks.map((n) => html`<tr class=${analysis.own_ssid && n.ssid === analysis.own_ssid ? "own" : ""}>
        <td>${n.ssid || t("(hidden)")}</td><td>${n.band}</td><td>${n.channel}</td><td>${n.width_mhz}</td><td>${n.signal_dbm}</td></tr>`)}</tbody></table></details></div>`;
}

const entryRow = () => html`<tr><td><input name="ssid" maxlength="64" aria-label="SSID"></td>
  <td><input name="channel" inputmode="numeric" size="3" aria-label=${t("Channel")}></td>
  <td class="signed"><input name="signal" inputmode="decimal" size="4" placeholder="-60" aria-label="dBm">${signKey()}</td></tr>`;

async function addRow() { extraRows += 1; await shared.render(); }

async function showPreview(next) {
  preview = next;
  await shared.render();
  scrollToId("wifi-preview");
}

// The typed rows as networks, or the problems with them (domain: the channels allowed in CN).
function typedNetworks(form, allowed) {
  const networks = [], problems = [];
  form.querySelectorAll("tbody tr").forEach((row, i) => {
    const ssid = row.querySelector("[name=ssid]").value.trim();
    const ch = row.querySelector("[name=channel]").value.trim();
    const sig = row.querySelector("[name=signal]").value.trim();
    if (!ssid && !ch && !sig) { return; }
    const channel = typedNumber(ch), signal = typedNumber(sig);
    if (!Number.isInteger(channel) || (!allowed["2.4"].includes(channel) && !allowed["5"].includes(channel))) {
      problems.push(t("Row %(n)d: %(ch)s is not a Wi-Fi channel here.", { n: i + 1, ch: ch || "—" }));
    } else if (!isFinite(signal) || sig === "" || signal > 0 || signal < -100) {
      problems.push(t("Row %(n)d: the signal must be between -100 and 0 dBm.", { n: i + 1 }));
    } else {
      networks.push(WF.typed(ssid, channel, signal, 20));
    }
  });
  if (!networks.length && !problems.length) { problems.push(t("Type at least one network.")); }
  return { networks, problems };
}

async function analyseTyped(event, order) {
  event.preventDefault();
  const form = event.target;
  const ref = await reference("wifi");
  const { networks, problems } = typedNetworks(form, WF.domain(ref, "CN"));
  if (problems.length) { showError("wifi-error", problems.join(" ")); return; }
  showError("wifi-error", "");
  const own = form.elements.own_ssid.value.trim();
  await showPreview({ order_id: order.id, source: "typed", format: "typed", analysis: WF.analyze(ref, networks, "CN", own, lang) });
}

const SCAN_MAX_BYTES = 8 * 1024 * 1024;  // the server's parser reads up to 8 MB (webapp/wifi/parsers.py)

// Why a chosen file cannot be a scan, said before it is sent (a photo from the gallery, too big), or "".
function notAScan(file) {
  if (/^(image|video|audio)\//.test(file.type) || /\.(jpe?g|png|gif|webp|hei[cf]|mp4|pdf)$/i.test(file.name)) {
    return t("This is a picture or a document, not a Wi-Fi scan. Choose the text file the scan tool saved (iw, nmcli, netsh, WiGLE …).");
  }
  if (file.size > SCAN_MAX_BYTES) { return t("This file is larger than 8 MB: a Wi-Fi scan file is much smaller. Choose the scan tool's text file."); }
  return "";
}

async function analyseFile(event, order) {
  const input = event.target;
  if (!input.files.length) { return; }
  const why = notAScan(input.files[0]);
  if (why) { showError("wifi-error", why); return; }
  showError("wifi-error", "");  // a refusal of the file picked before no longer stands
  const body = new FormData();
  body.append("scan", input.files[0]);
  const own = document.querySelector("#wifi-typed [name=own_ssid]");
  body.append("own_ssid", own ? own.value.trim() : "");
  try {
    const who = await (await fetch("/api/session", { credentials: "same-origin" })).json();
    const response = await fetch("/api/wifi/analyze", { method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": who.csrf_token } });
    const result = await response.json();
    if (!response.ok) { throw new Error(result.error || String(response.status)); }
    await showPreview({ order_id: order.id, source: "file", format: result.format, analysis: result });
  } catch (err) {
    showError("wifi-error", err instanceof TypeError ? t("A scan file needs a connection; type the networks in instead.") : err.message);
  }
}

async function save(order) {
  if (!preview) { return; }
  const a = preview.analysis;
  const args = { order_id: order.id, survey_id: S.uuid(), source: preview.source, format: preview.format,
                 networks: a.networks, own_ssid: a.own_ssid || "", country: a.country,
                 off_band: a.off_band || [] };
  preview = null;
  extraRows = 0;
  document.getElementById("wifi-typed").reset();
  await queue(order.id, "order.wifi_survey", args);
}

// The job page's Wi-Fi section: the last saved survey, and a new one (typed or a file) with its preview.
export async function wifiView(o) {
  const ref = await reference("wifi");
  if (!ref || !WF) { return nothing; }
  const saved = (o.surveys || []).slice(-1)[0];
  const mine = preview && preview.order_id === o.id ? preview : null;
  const rows = Array.from({ length: 3 + extraRows }, entryRow);
  return html`<section class="card" id="wifi"><h2>${t("Wi-Fi channel")}</h2>
    ${saved ? html`<p class="muted small">${t("Saved on the order")} · ${when(saved.occurred_at || saved.created_at)}${pendingMark(saved)}</p>
      ${analysisView(ref, saved.recommendation ? saved : WF.analyze(ref, saved.networks, saved.country || "CN", saved.own_ssid, lang, saved.off_band), "wifi-saved")}` : nothing}
    <details class="wifi-new" ?open=${mine}><summary>${saved ? t("New Wi-Fi survey") : t("Check the Wi-Fi channel")}</summary>
      <form id="wifi-typed" @submit=${(e) => analyseTyped(e, o)}><p class="muted small">${t("Type what the phone's Wi-Fi analyser shows; works offline.")}</p>
        <table class="wifi-entry"><thead><tr><th>SSID</th><th>${t("Channel")}</th><th>dBm</th></tr></thead><tbody>${rows}</tbody></table>
        <button class="btn" type="button" data-wifi-add-row @click=${addRow}>＋ ${t("Another network")}</button>
        <label class="field"><span>${t("The customer's network (SSID)")}</span><input name="own_ssid" maxlength="64"></label>
        <p class="error" id="wifi-error" hidden></p><button class="btn primary wide" type="submit">${t("Analyse")}</button></form>
      <form id="wifi-file"><label class="field"><span>${t("Or a scan file (iw, nmcli, netsh, WiGLE …), when online")}</span>
        <input type="file" name="scan" @change=${(e) => analyseFile(e, o)}></label></form>
      ${mine ? html`<div id="wifi-preview">${analysisView(ref, mine.analysis, "wifi-preview-analysis")}
        <button class="btn primary wide" type="button" data-wifi-save @click=${() => save(o)}>${t("Save on the order")}</button></div>` : nothing}
    </details></section>`;
}
