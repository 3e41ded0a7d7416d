// ONTrack service worker (served at /sw.js by Flask, which prepends the precache list).
//
// Workbox does what it is good at: precaching the app shell with revisions, cleaning old
// caches, routing. Technician data never goes through Workbox's request queue: it lives in
// the app's own outbox (store.js) and the sync loop (sync.js), which this worker also runs
// on a Background Sync event where the browser has one.
/* global workbox, ONTrackStore, ONTrackSync */
importScripts.apply(null, self.__VENDOR__.concat([self.__IDB__], self.__SCRIPTS__));

var SHELL_CACHE = "ontrack-shell";
var PHOTO_CACHE = "ontrack-photos";
var NETWORK_TIMEOUT_MS = 4000;

workbox.core.setCacheNameDetails({ prefix: "ontrack" });
workbox.precaching.cleanupOutdatedCaches();
// The page asks for /offline/app.js?h=<hash> (so browsers never use a stale copy); the cache key has no query.
// Before the app became ES modules (issue 12) the parameter was "v": a worker of that version
// does not strip "h", so it sends the new page's scripts to the network instead of serving its
// own older copies, and the first page after the upgrade already runs one version throughout.
workbox.precaching.precacheAndRoute(self.__PRECACHE__, { ignoreURLParametersMatching: [/^h$/] });

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (v) { clearTimeout(timer); resolve(v); }, function (e) { clearTimeout(timer); reject(e); });
  });
}

async function offlinePage() {
  return (await workbox.precaching.matchPrecache("/offline.html")) || Response.error();
}

// The job list and every job page are one shell that draws from IndexedDB: try the network
// (a weak signal gets a few seconds), keep the answer as the shell, fall back to it.
workbox.routing.registerRoute(
  function (ctx) { return ctx.request.mode === "navigate" && ctx.url.pathname.indexOf("/jobs/") === 0; },
  async function (ctx) {
    var cache = await caches.open(SHELL_CACHE);
    try {
      var response = await withTimeout(fetch(ctx.request), NETWORK_TIMEOUT_MS);
      if (response.ok && !response.redirected && response.headers.get("X-ONTrack-Shell")) {
        await cache.put("/jobs/", response.clone());
      } else if (response.ok && !response.redirected && response.headers.get("X-ONTrack-Drawn")) {
        // A page drawn for this person is never kept; a kept shell of someone else goes now.
        var kept = await cache.match("/jobs/");
        if (kept && kept.headers.get("X-ONTrack-Shell") !== response.headers.get("X-ONTrack-Drawn")) {
          await cache.delete("/jobs/");
        }
      }
      return response;
    } catch (err) {
      return (await cache.match("/jobs/")) || offlinePage();
    }
  }
);

// Any other page: the network, or the offline page that points to the jobs.
workbox.routing.registerRoute(
  function (ctx) { return ctx.request.mode === "navigate"; },
  async function (ctx) {
    try { return await fetch(ctx.request); } catch (err) { return offlinePage(); }
  }
);

// Photos are immutable (named by their hash): keep what was seen for offline use.
workbox.routing.registerRoute(
  function (ctx) { return ctx.url.pathname.indexOf("/api/blobs/") === 0; },
  new workbox.strategies.CacheFirst({ cacheName: PHOTO_CACHE })
);

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "forget-shell") {
    event.waitUntil(caches.delete(SHELL_CACHE));
  }
});

// Background Sync (Chromium): send the queue of whoever is logged in now, and tell open pages.
self.addEventListener("sync", function (event) {
  if (event.tag !== "ontrack-sync") { return; }
  event.waitUntil((async function () {
    var response = await fetch("/api/session", { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) { return; }
    var who = await response.json();
    var db = await ONTrackStore.open(who.user_id);
    var result = await ONTrackSync.run(db, who.user_id);
    var pages = await self.clients.matchAll({ type: "window" });
    pages.forEach(function (page) { page.postMessage({ type: "synced", result: result }); });
    if (result && result.ok === false && result.problem === "offline") { throw new Error("offline, retry later"); }
  })());
});

// Web Push (issue 22): a notice the server pushed — show it, then fetch the briefcase so the
// notice and the order are on the phone before the technician opens the app. The payload holds
// no customer's name, number or address (lock screens are seen by others).
self.addEventListener("push", function (event) {
  var message = {};
  try { message = event.data ? event.data.json() : {}; } catch (err) { message = {}; }
  event.waitUntil((async function () {
    await self.registration.showNotification(message.title || "ONTrack", {
      body: message.body || "", tag: "ontrack-order-" + (message.order_id || "notice"),
      data: { url: message.url || "/jobs/" }, renotify: true
    });
    try {
      var response = await fetch("/api/session", { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        var who = await response.json();
        await ONTrackSync.run(await ONTrackStore.open(who.user_id), who.user_id);
      }
    } catch (err) { /* offline or logged out: the next opening syncs */ }
  })());
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/jobs/";
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (pages) {
    for (var i = 0; i < pages.length; i += 1) {
      if (pages[i].url.indexOf("/jobs/") !== -1 && "focus" in pages[i]) { return pages[i].focus(); }
    }
    return self.clients.openWindow(url);
  }));
});
