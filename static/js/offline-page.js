// The offline page is one cached page for everyone: show it in the language this phone last used
// (remembered by every ONTrack page, static/js/app.js and offline/app.js), else the browser's.
(function () {
  "use strict";
  var lang = null;
  try { lang = localStorage.getItem("ontrack-lang"); } catch (e) { /* storage off: the browser's language */ }
  if (lang !== "zh" && lang !== "en") { lang = /^zh/i.test(navigator.language || "zh") ? "zh" : "en"; }
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-lang]").forEach(function (part) { part.hidden = part.dataset.lang !== lang; });
    document.title = lang === "en" ? "Offline · ONTrack" : "离线 · ONTrack";
  });
})();
