// ONTrack signature pads on the technician's phone: a pad that re-fits its bitmap whenever its box
// changes size (the phone turned sideways while the customer signs, the keyboard closing, a panel
// opening), keeping the strokes; and a check that a signature has ink before it is saved.
//
// Why: a canvas's bitmap does not follow its CSS size. signature_pad maps the finger through the
// CSS box onto the bitmap, so after a turn from 340 to 670 CSS px a 680-px bitmap left every stroke
// in the right half outside it: no ink, yet isEmpty() was false and a white PNG was stored
// (shared/public-cases/signature-after-rotation-blank; szimek/signature_pad #32, #80; its README:
// resize the canvas and reload the points with toData()/fromData()).
//
// An ES module. Until offline/app.js is split into modules (it is a classic script today), the same
// functions are also on window.ONTrackSignature.

const INK_LUMINANCE = 160;  // darker than this on a white pad is ink (the pen is black)
const MIN_INK_PIXELS = 10;  // fewer dark pixels than this is a speck, not a signature
const fittedRatio = new WeakMap();  // pad → the devicePixelRatio its bitmap was made for

// Make the canvas bitmap match its CSS box × devicePixelRatio, keeping the strokes. Returns true
// when it re-fitted, false when nothing changed or the pad is not on screen (a closed <details>).
export function fitPad(pad) {
  const canvas = pad.canvas;
  const ratio = Math.max(window.devicePixelRatio || 1, 1);
  const width = Math.round(canvas.offsetWidth * ratio), height = Math.round(canvas.offsetHeight * ratio);
  if (!width || !height || (canvas.width === width && canvas.height === height && fittedRatio.get(pad) === ratio)) {
    return false;
  }
  const strokes = pad.toData();
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").scale(ratio, ratio);
  fittedRatio.set(pad, ratio);
  pad.clear();  // paints the background at the new size
  if (strokes.length) { pad.fromData(strokes); }
  return true;
}

// A signature_pad on `canvas`, fitted now and again on every resize, orientation change and change
// of its own box. `options` go to SignaturePad; returns the pad (pad.ontrackStop() stops watching).
export function createPad(canvas, options) {
  const pad = new window.SignaturePad(canvas, Object.assign({ backgroundColor: "rgb(255,255,255)" }, options || {}));
  const refit = () => { fitPad(pad); };
  refit();
  window.addEventListener("resize", refit);
  window.addEventListener("orientationchange", refit);
  const screenOrientation = window.screen && window.screen.orientation;
  if (screenOrientation && screenOrientation.addEventListener) { screenOrientation.addEventListener("change", refit); }
  const observer = window.ResizeObserver ? new ResizeObserver(refit) : null;
  if (observer) { observer.observe(canvas); }
  pad.ontrackStop = () => {
    window.removeEventListener("resize", refit);
    window.removeEventListener("orientationchange", refit);
    if (screenOrientation && screenOrientation.removeEventListener) { screenOrientation.removeEventListener("change", refit); }
    if (observer) { observer.disconnect(); }
  };
  return pad;
}

// How many pixels of the canvas are ink (dark on the white pad).
export function inkPixels(canvas) {
  if (!canvas.width || !canvas.height) { return 0; }
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let count = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const alpha = pixels[i + 3] / 255;
    // composite on white, as the stored PNG is shown
    const luminance = (0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2]) * alpha + 255 * (1 - alpha);
    if (luminance < INK_LUMINANCE) { count += 1; }
  }
  return count;
}

// True when the pad holds a signature someone could see: points recorded AND ink on the bitmap.
export function hasInk(pad) {
  if (!pad || pad.isEmpty()) { return false; }
  fitPad(pad);  // a turn the browser has not reported yet: draw at the current size first
  return inkPixels(pad.canvas) >= MIN_INK_PIXELS;
}

window.ONTrackSignature = { fitPad, createPad, inkPixels, hasInk };
