// Captures on a slow-speed run (domain reference §2.3 S2.2/S2.4, §9.1 item 6; issue 21 item 6): a
// speed-test screenshot, a packet capture (pcap, pcapng) or a text export (HTTPWatch, ping, tracert)
// attached to the run and sent to the desk through the photos' upload path (order.attach_capture).
// The phone checks the kind and size first, with words; the server checks the content again.
import { html, nothing } from "../html.js";
import { t } from "../i18n.js";
import { reference } from "../order-view.js";
import { queue } from "../outbox.js";
import { sha256, shrink } from "../photos.js";
import { pendingMark, showError } from "../ui.js";

const S = self.ONTrackStore;
// What a picked file is, by its name when the phone gives no type (a .pcap usually has none).
const BY_EXTENSION = { pcap: "application/vnd.tcpdump.pcap", cap: "application/vnd.tcpdump.pcap", pcapng: "application/x-pcapng",
  txt: "text/plain", log: "text/plain", csv: "text/plain", har: "text/plain" };

function kindOf(file) {
  if (file.type.startsWith("image/")) { return "image"; }
  const extension = (file.name.split(".").pop() || "").toLowerCase();
  return BY_EXTENSION[extension] || (file.type === "text/plain" ? "text/plain" : null);
}

async function attach(event, o, run) {
  const input = event.target;
  const errorId = `capture-error-${run.id}`;
  if (!input.files.length) { return; }
  const file = input.files[0];
  const tools = await reference("tools");
  const kind = kindOf(file);
  if (!kind) { showError(errorId, t("Attach a screenshot, a packet capture (.pcap, .pcapng) or a text file (.txt, .log, .csv).")); return; }
  if (file.size === 0) { showError(errorId, t("The file is empty (0 bytes).")); return; }
  const limit = tools ? tools.max_capture_bytes : 10 * 1024 * 1024;
  if (kind !== "image" && file.size > limit) {
    showError(errorId, t("The capture is too large (%(mb)d MB at most); capture a shorter time or send the part that shows the slow page.",
      { mb: Math.floor(limit / 1024 / 1024) }));
    return;
  }
  try {
    const blob = kind === "image" ? await shrink(file) : file;
    const type = kind === "image" ? blob.type : kind;
    const sha = await sha256(blob);
    await queue(o.id, "order.attach_capture", { order_id: o.id, capture_id: S.uuid(), run_id: run.id, sha256: sha,
      file_name: file.name.slice(0, 120) || "capture", caption: input.form.elements.caption.value.trim() }, [{ sha256: sha, blob, type }]);
    showError(errorId, "");
    input.form.reset();
  } catch (err) {
    showError(errorId, t("The phone could not read this file; save it again and attach it."));
  }
}

// The captures of one finished slow-speed run, and the form to attach another.
export function capturesView(o, run) {
  if (run.playbook !== "slow") { return nothing; }
  const held = (o.captures || {})[run.id] || [];
  return html`<div class="run-captures" data-run=${run.id}>${held.length ? html`<ul>${held.map((c) =>
      html`<li>${c.file_name}${c.caption ? html` <small class="muted">${c.caption}</small>` : nothing}${pendingMark(c)}</li>`)}</ul>` : nothing}
    <form class="capture-form"><label class="field"><span>${t("What the capture shows")}</span><input name="caption" maxlength="200"></label>
      <label class="btn wide"><input type="file" name="capture" hidden accept="image/*,.pcap,.cap,.pcapng,.txt,.log,.csv,.har,text/plain"
        @change=${(e) => attach(e, o, run)}> ${t("Attach a capture (screenshot, pcap or text)")}</label>
      <p class="error" id=${`capture-error-${run.id}`} role="alert" hidden></p></form></div>`;
}
