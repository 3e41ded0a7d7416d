// Desk and laptop pages: draw Wi-Fi occupancy charts (offline/wifi.js) and run the laptop's live scan.
(function () {
  "use strict";
  var refNode = document.getElementById("wifi-reference");
  if (!refNode || !window.ONTrackWifi) { return; }
  var ref = JSON.parse(refNode.textContent);
  // Put one figure per band into a container (the chart is built as DOM nodes by offline/wifi.js).
  function drawCharts(node, analysis) {
    node.replaceChildren();
    ["2.4", "5"].forEach(function (band) {
      var figure = document.createElement("figure"), caption = document.createElement("figcaption");
      caption.textContent = band + " GHz";
      figure.appendChild(caption);
      var svg = ONTrackWifi.chart(ref, analysis, band);
      if (svg) { figure.appendChild(svg); }
      node.appendChild(figure);
    });
  }
  document.querySelectorAll("[data-wifi-survey]").forEach(function (node) {
    drawCharts(node, JSON.parse(node.dataset.wifiSurvey));
  });
  var form = document.getElementById("live-scan");
  if (!form) { return; }
  function text(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var button = document.getElementById("scan-button"), error = document.getElementById("scan-error");
    button.disabled = true;
    error.hidden = true;
    try {
      var token = document.querySelector('meta[name="csrf-token"]').content;
      var response = await fetch("/wifi/live", { method: "POST", body: new FormData(form), headers: { "X-CSRFToken": token }, credentials: "same-origin" });
      var result = await response.json();
      if (!response.ok) { throw new Error(result.error || String(response.status)); }
      document.getElementById("scan-recs").innerHTML = ["2.4", "5"].map(function (b) {
        var r = result.recommendation[b];
        return r ? "<li><b>" + b + " GHz → " + r.channel + " (" + r.width_mhz + " MHz)</b> " + text(r.reason) + "</li>" : "";
      }).join("");
      drawCharts(document.getElementById("scan-charts"), result);
      document.getElementById("scan-findings").innerHTML = result.findings.map(function (f) {
        return '<li class="finding ' + text(f.severity) + '">' + text(f.message) + "</li>"; }).join("");
      document.getElementById("scan-table").innerHTML = result.networks.map(function (n) {
        return "<tr><td>" + text(n.ssid || "—") + "</td><td>" + text(n.bssid) + "</td><td>" + text(n.band) + "</td><td>" + text(n.channel) +
          "</td><td>" + text(n.signal_dbm) + "</td><td>" + text(n.security) + "</td></tr>"; }).join("");
      var blob = new Blob([JSON.stringify({ format: "pywifi", networks: result.networks }, null, 2)], { type: "application/json" });
      document.getElementById("scan-download").href = URL.createObjectURL(blob);
      document.getElementById("scan-result").hidden = false;
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
})();
