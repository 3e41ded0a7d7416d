// A double tap records one step, not two. A tap that records a step redraws the page, and another
// button can then stand where the finger is: the second tap of a double tap (gloves, a lagging phone)
// takes it 80–150 ms later, and records a step nobody meant (field fault: a double tap on 预约 also recorded
// 已出发, which the redraw put under the finger; issue 15 item 2 was the same with "undo").
// So a button marked data-records refuses a tap that lands where the last tap did while the page is
// still changing there: within STEADY_MS of that tap if it recorded something (the redraw is on its way;
// on a slow phone the same button is still there), or of the redraw that put this button there.
//
// STEADY_MS = 700 ms, as the undo guard this replaces: a double tap's second tap comes within ~300 ms of
// the first (Android's double-tap timeout), and the redraw that moves a button under it within 110–140 ms
// (580 ms with the CPU four times slower): counted from the redraw, not the tap, a slow phone's late redraw
// still gets the whole window; and nobody sees a new button, reads it and means to tap it that fast. A tap
// after the window, or one aimed elsewhere (farther than a fingertip, FINGER_PX), works as usual. The
// keyboard has no finger to land twice: Enter or Space on a focused button (a click with detail 0) counts.
const STEADY_MS = 700;
const FINGER_PX = 48;   // about a fingertip on a phone (~8 mm); a gloved double tap lands well within it
const MOVED_PX = 2;     // rounding, not a move a finger would notice

const placed = new WeakMap();  // marked button → {x, y, at}: where it stood in the page, and since when
let lastTap = null;            // {x, y, at}: the last tap the page took, in the viewport (where the finger was)
let recordedAt = -Infinity;    // when a tap last recorded a step

// Note every marked button under `root` that appeared or moved since the last redraw: called after each.
export function notePlaces(root) {
  const at = Date.now();
  root.querySelectorAll("[data-records]").forEach((button) => {
    const box = button.getBoundingClientRect();
    const x = box.left + window.scrollX;
    const y = box.top + window.scrollY;
    const was = placed.get(button);
    if (!was || Math.abs(was.x - x) > MOVED_PX || Math.abs(was.y - y) > MOVED_PX) { placed.set(button, { x, y, at }); }
  });
}

// Say that the tap being handled recorded a step: the page is about to change under the finger.
export function recorded() {
  recordedAt = Date.now();
}

// Whether a tap on `button` is the same finger again, on a page that changed under it since its last tap.
function sameFingerAgain(button, tap) {
  if (!lastTap || Math.hypot(tap.x - lastTap.x, tap.y - lastTap.y) > FINGER_PX) { return false; }
  const changedAt = Math.max(recordedAt, (placed.get(button) || { at: -Infinity }).at);
  return changedAt >= lastTap.at && tap.at - changedAt < STEADY_MS;
}

// Refuse such taps, before any handler sees them (capture phase: the form is not submitted, @click not run).
export function guardDoubleTaps() {
  document.addEventListener("click", (event) => {
    if (event.detail === 0) { return; }  // the keyboard, or a script: no finger
    const tap = { x: event.clientX, y: event.clientY, at: Date.now() };
    const button = event.target.closest("[data-records]");
    if (button && sameFingerAgain(button, tap)) {
      event.preventDefault();
      event.stopPropagation();
      return;  // a refused tap is not the last tap: the window still counts from the one that was taken
    }
    lastTap = tap;
  }, true);
}
