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
// An ES module (screens/signoff.js imports it); the same functions are also on
// window.ONTrackSignature for tests/test_signature_browser.py.

const INK_LUMINANCE = 160;  // darker than this on a white pad is ink (the pen is black)
const MIN_INK_PIXELS = 10;  // fewer dark pixels than this is a speck, not a signature
const MIN_INK_SPAN = 0.05;  // the ink must reach across 5 % of the pad's longer side (a tap's dot is ~1 %)
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
  if (strokes.length) { pad.fromData(fitStrokes(strokes, width / ratio, height / ratio)); }
  return true;
}

const STROKE_MARGIN = 4;  // CSS pixels kept clear of the pad's edge when ink is moved in (about a line's width)

// signature_pad's strokes (toData(): CSS pixels from the pad's top left) for a pad of `width` × `height` CSS
// pixels: as they were when they fit, so the ink stays under a finger still signing (a turn mid-signature); else
// all scaled by one factor towards the top left until they fit, so a signature drawn on the wide pad of a phone held
// sideways is still whole when the phone turns back (review r9: it fell off the narrower pad and the customer's
// signature was gone).
export function fitStrokes(strokes, width, height) {
  let right = 0, bottom = 0;
  for (const s of strokes) {
    for (const point of s.points) { right = Math.max(right, point.x); bottom = Math.max(bottom, point.y); }
  }
  const factor = Math.min(1, (width - STROKE_MARGIN) / Math.max(right, 1), (height - STROKE_MARGIN) / Math.max(bottom, 1));
  if (factor >= 1 || factor <= 0) { return strokes; }
  return strokes.map((s) => Object.assign({}, s, {
    points: s.points.map((point) => Object.assign({}, point, { x: point.x * factor, y: point.y * factor })),
  }));
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

// The ink on the canvas (dark on the white pad): {pixels, span}, span being the longer side of the
// box around the ink as a fraction of the canvas's longer side (webapp/images.py ink_span).
export function ink(canvas) {
  if (!canvas.width || !canvas.height) { return { pixels: 0, span: 0 }; }
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let count = 0, left = Infinity, right = -1, top = Infinity, bottom = -1;
  for (let i = 0; i < pixels.length; i += 4) {
    const alpha = pixels[i + 3] / 255;
    // composite on white, as the stored PNG is shown
    const luminance = (0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2]) * alpha + 255 * (1 - alpha);
    if (luminance < INK_LUMINANCE) {
      count += 1;
      const x = (i / 4) % canvas.width, y = Math.floor(i / 4 / canvas.width);
      left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y);
    }
  }
  const extent = count ? Math.max(right - left + 1, bottom - top + 1) : 0;
  return { pixels: count, span: extent / Math.max(canvas.width, canvas.height) };
}

// How many pixels of the canvas are ink.
export function inkPixels(canvas) {
  return ink(canvas).pixels;
}

// True when the pad holds a signature someone could see: points recorded AND ink on the bitmap,
// reaching across the pad (an accidental tap leaves a dot, not a signature).
export function hasInk(pad) {
  if (!pad || pad.isEmpty()) { return false; }
  fitPad(pad);  // a turn the browser has not reported yet: draw at the current size first
  const found = ink(pad.canvas);
  return found.pixels >= MIN_INK_PIXELS && found.span >= MIN_INK_SPAN;
}

window.ONTrackSignature = { fitPad, fitStrokes, createPad, ink, inkPixels, hasInk };
