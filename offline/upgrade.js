// When a new version of the app is deployed, the page that notices it was served by the old
// service worker (its precached, older files) and the new worker takes over a moment later
// (skipWaiting, clients.claim in sw.js). Then load the page once more, so that every file it
// runs comes from one version. A classic script at a URL the older workers never precached,
// so it always comes from this version.
(function () {
  "use strict";
  var workers = navigator.serviceWorker;
  if (!workers || !workers.controller) { return; }  // first install: every file came from the network
  var reloading = false;
  workers.addEventListener("controllerchange", function () {
    if (reloading) { return; }
    reloading = true;
    location.reload();
  });
})();
