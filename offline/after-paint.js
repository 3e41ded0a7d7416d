// On a first load the server draws the job list into the page (webapp/jobs/first_list.py): the app's
// modules (app.js and its graph) are then asked for once that list has painted, not beside it, so the
// list waits for nothing but the page and its style sheet (issue 14: Lighthouse's LCP on slow 4G).
// The page names app.js in data-app (its ?h= URL); the classic scripts before this one have run.
(function () {
  "use strict";
  var app = document.currentScript.dataset.app;
  var started = false;
  function start() {
    if (started) { return; }
    started = true;
    import(app);
  }
  // requestAnimationFrame runs just before the next paint, the timeout just after it. A page opened
  // in a background tab paints nothing and gets no animation frame: it starts on the timer instead.
  requestAnimationFrame(function () { setTimeout(start, 0); });
  setTimeout(start, 1000);
})();
