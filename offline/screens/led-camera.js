// The LED check's camera: the guide over the live picture (a line, two end marks, the model's
// LED positions), then one photo or a 3-second burst of the guide's band (about 12 frames a
// second, stacked into one JPEG so it uploads as one file). README, "Photo-assisted LED check".
import { html, svg, render, nothing } from "../html.js";
import { t } from "../i18n.js";
import { MAX_PHOTO_EDGE, toJpeg } from "../photos.js";

const L = self.ONTrackLed;
let camera = null;  // the open camera: {stream, capture, model, ref, view, video, done}
let opening = false;  // the phone is asked for the camera now

function guide(cam) {
  const w = cam.video.videoWidth, h = cam.video.videoHeight;
  const g = cam.ref.guide, y = h / 2, left = g.left * w, right = g.right * w, r = Math.max(6, 0.012 * w);
  const spots = cam.model.id === "custom" ? [] : L.guideSpots(cam.ref, cam.model.leds);
  const box = cam.view.querySelector("svg.guide");
  box.setAttribute("viewBox", `0 0 ${w} ${h}`);
  render(svg`${cam.capture === "burst" ? svg`<rect class="band" x="0" y=${y - g.band * w} width=${w} height=${2 * g.band * w}></rect>` : nothing}
    <line x1=${left} y1=${y} x2=${right} y2=${y}></line>
    <line class="end" x1=${left} y1=${y - 4 * r} x2=${left} y2=${y + 4 * r}></line>
    <line class="end" x1=${right} y1=${y - 4 * r} x2=${right} y2=${y + 4 * r}></line>
    ${spots.map((p) => svg`<circle cx=${p.x * w} cy=${p.y * h} r=${r}></circle>`)}`, box);
}

export function closeCamera() {
  if (!camera) { return; }
  camera.stream.getTracks().forEach((track) => track.stop());
  camera.view.remove();
  camera = null;
}

async function burst(cam, video, w, h) {
  // Only the guide's band is kept, 800 pixels wide: a few dozen kilobytes a frame.
  const band = cam.ref.guide.band, fw = 800, fh = Math.round(fw * 2 * band);
  const top = Math.max(0, Math.round(h / 2 - band * w)), cropH = Math.min(h, Math.round(2 * band * w));
  const frames = [], started = performance.now(), counter = document.getElementById("camera-count");
  while ((performance.now() - started < 3200 || frames.length < cam.ref.min_burst_frames * 3) && frames.length < cam.ref.max_frames
         && camera === cam) {  // not once cancelled
    const c = document.createElement("canvas");
    c.width = fw;
    c.height = fh;
    c.getContext("2d").drawImage(video, 0, top, w, cropH, 0, 0, fw, fh);
    frames.push(c);
    counter.textContent = t("%(n)d frames", { n: frames.length });
    await new Promise((resolve) => { setTimeout(resolve, 80); });  // about 12 frames a second
  }
  if (camera !== cam) { return null; }  // cancelled
  const sheet = document.createElement("canvas");
  sheet.width = fw;
  sheet.height = fh * frames.length;
  const ctx = sheet.getContext("2d");
  frames.forEach((f, i) => ctx.drawImage(f, 0, i * fh));
  return { blob: await toJpeg(sheet, 0.85), frames: frames.length, seconds: Math.round((performance.now() - started) / 100) / 10,
           frame: { width: fw, height: fh } };
}

async function shoot(event) {
  const cam = camera, video = cam.video;
  const w = video.videoWidth, h = video.videoHeight;
  if (!w || !h) { return; }
  event.target.disabled = true;
  let taken;
  if (cam.capture === "photo") {
    const scale = Math.min(1, MAX_PHOTO_EDGE / Math.max(w, h));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    taken = { blob: await toJpeg(canvas, 0.9), frames: 1, frame: { width: canvas.width, height: canvas.height } };
  } else {
    taken = await burst(cam, video, w, h);
  }
  // Cancelled meanwhile (a burst takes 3 seconds): no draft, and the camera opened since is not this one to close
  // (review r58: it closed the next camera and made a draft of the cancelled burst).
  if (camera !== cam || !taken) { return; }
  const done = cam.done;
  closeCamera();
  done(Object.assign({ model: cam.model, capture: cam.capture }, taken));
}

// Why the camera did not open, in the technician's words (the browser's error names are for programmers).
function cameraProblem(err) {
  const name = err && err.name;
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") {
    return t("This phone has no camera the app can use: choose a photo instead.");
  }
  if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") {
    return t("The camera is not allowed: allow it in the browser's site settings, or choose a photo instead.");
  }
  if (name === "NotReadableError" || name === "AbortError") {
    return t("The camera is busy (another app is using it): close that app, or choose a photo instead.");
  }
  return t("The camera could not be opened: choose a photo instead.");
}

// Open the camera over the page for a model ({id, leds}) and capture "photo" | "burst"; done(draft)
// gets {model, capture, blob, frames, frame, seconds?}. Returns an error message, or "" when open.
// A tap on "Photo" or "Burst" while the camera is open or opening is not a second camera (review r58: a double tap
// opened two, and the one left after the shot could not be closed).
export async function openCamera(ref, model, capture, done) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return t("This browser cannot open the camera here: choose a photo instead.");
  }
  if (camera || opening) { return ""; }
  let stream;
  opening = true;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: {
      facingMode: { ideal: "environment" }, width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 30, min: 10 } } });
  } catch (err) {
    return cameraProblem(err);
  } finally {
    opening = false;
  }
  const view = document.createElement("div");
  view.id = "led-camera";
  view.className = "camera";
  const burstMode = capture === "burst";
  render(html`<div class="camera-frame"><video playsinline muted autoplay></video><svg class="guide" preserveAspectRatio="xMidYMid meet"></svg></div>
    <p class="camera-hint">${burstMode ? t("Put the first light on the left mark and the last on the right mark, then hold still for 3 seconds.")
      : t("Put the first light on the left mark and the last on the right mark.")}</p>
    <p class="camera-count" id="camera-count" aria-live="polite"></p>
    <div class="camera-buttons"><button class="btn primary big-touch" type="button" data-cam-shoot @click=${shoot}>${burstMode ? t("Record 3 seconds") : t("Take the photo")}</button>
      <button class="btn big-touch" type="button" data-cam-cancel @click=${closeCamera}>${t("Cancel")}</button></div>`, view);
  document.body.appendChild(view);
  const video = view.querySelector("video");
  video.srcObject = stream;
  const cam = { stream, capture, model, ref, view, video, done };
  camera = cam;
  video.addEventListener("loadedmetadata", () => guide(cam));
  return "";
}
