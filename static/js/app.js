// ONTrack page glue: CSRF header on every htmx request, and plain-language network errors.
(function () {
  "use strict";
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function showStatus(text) {
    var bar = document.getElementById("net-status");
    if (!bar) { return; }
    bar.textContent = text;
    bar.hidden = !text;
  }
  var zh = (document.documentElement.lang || "zh-CN").indexOf("zh") === 0;
  try { localStorage.setItem("ontrack-lang", zh ? "zh" : "en"); } catch (e) { /* the offline page falls back to the browser's */ }
  // The dispatcher's polled parts (#queue, #technicians) answer 304 when the browser already shows
  // exactly what they would send (webapp/dispatch/routes.py unless_unchanged): each part's ETag is
  // kept here and sent back, and a 304 leaves the part as it is (htmx would swap in its empty body).
  var shownTags = {};
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
    var target = event.detail.target;
    if (event.detail.verb === "get" && target && shownTags[target.id]) {
      event.detail.headers["If-None-Match"] = shownTags[target.id];
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var target = event.detail.target;
    if (!xhr || !target || !target.id) { return; }
    if (xhr.status === 304) {
      event.detail.shouldSwap = false;
    } else if (xhr.status === 200 && (target.id === "queue" || target.id === "technicians")) {
      shownTags[target.id] = xhr.getResponseHeader("ETag") || undefined;
    }
  });
  document.addEventListener("htmx:sendError", function () {
    showStatus(zh ? "网络不通：未能连接服务器，请稍后重试。" : "No connection: the server could not be reached. Try again shortly.");
  });
  // The technician app is a program of its own (ES modules) that a boosted swap would not start,
  // leaving "Opening your jobs…" on screen: a boosted link or redirect that lands on it loads it whole.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-ONTrack-Shell")) {
      event.detail.shouldSwap = false;
      window.location.assign(xhr.responseURL || "/jobs/");
    }
  });
  // A link whose answer takes a while (a report's PDF is laid out on first use) says so when tapped.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-busy-text]") : null;
    if (!link || link.getAttribute("aria-busy") === "true") { return; }
    link.setAttribute("aria-busy", "true");
    link.textContent = link.dataset.busyText;
    window.addEventListener("pageshow", function () { link.removeAttribute("aria-busy"); }, { once: true });
  });
  // A "copy" button next to a value shown once (an API token, a webhook secret): data-copy names the input.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    var field = button && document.querySelector(button.dataset.copy);
    if (!field) { return; }
    function done() { button.textContent = button.dataset.copiedText; }
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { if (document.execCommand("copy")) { done(); } });
    } else if (document.execCommand("copy")) {
      done();
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) { showStatus(""); }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = zh ? "操作未完成（" + status + "）。请刷新页面后重试。" : "That did not work (" + status + "). Reload the page and try again.";
    if (status === 403) { text = zh ? "您无权进行此操作。" : "You are not allowed to do this."; }
    if (status === 404) { text = zh ? "未找到，或不属于您。" : "Not found, or not yours to see."; }
    if (status === 503) { text = zh ? "服务器繁忙，未做任何更改。请几秒后重试。" : "The server is busy; nothing was changed. Try again in a few seconds."; }
    showStatus(text);
  });
})();
