// What every part of the technician app shares: who is using it, the phone's database, and
// the two things any screen may ask for (draw again, sync now). app.js fills these in at start.
export const boot = JSON.parse(document.getElementById("boot").textContent);

export const shared = {
  db: null,            // the person's IndexedDB (store.js), open once the app starts
  render: null,        // router.render(afterSync?): draw the screen for the current URL
  requestSync: null,   // autosync.requestSync(): run the sync loop now
  typing: false,       // the technician typed into a form: a sync must not redraw it away
  lastInput: 0,        // when the technician last typed, tapped a light or drew (ms since epoch)
  openRunId: null,     // the fault-finding run on screen (screens/fault-finding.js), if any
};

// The technician touched the page: a redraw after a sync must not wipe it.
export function touched() {
  shared.typing = true;
  shared.lastInput = Date.now();
}
