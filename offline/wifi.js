// ONTrack Wi-Fi guidance on the phone: the same channel scoring as webapp/wifi/guidance.py (read
// its docstring for the rule), from the same data (carried as reference data "wifi"), so typed-in
// networks get an answer offline; and the channel-occupancy chart, drawn as SVG.
(function (root) {
  "use strict";

  function bandOf(f) {
    if (f >= 2400 && f <= 2500) { return "2.4"; }
    if (f >= 5150 && f <= 5925) { return "5"; }
    if (f > 5925 && f <= 7125) { return "6"; }
    return null;
  }
  function freqOf(ch, band) {
    band = band || (ch >= 1 && ch <= 14 ? "2.4" : "5");
    if (band === "2.4") { return ch === 14 ? 2484 : 2407 + 5 * ch; }
    return band === "5" ? 5000 + 5 * ch : 5950 + 5 * ch;
  }
  function domain(ref, country) {
    var code = (country || "CN").toUpperCase();
    code = ref.regdomains.aliases[code] || code;
    var d = ref.regdomains.domains[code];
    if (!d) { throw new Error("unknown country " + country); }
    return Object.assign({ code: code }, d);
  }
  // Unknown signal (macOS lists neighbours without one) weighs 1, as at −70 dBm: guidance.UNKNOWN_SIGNAL_WEIGHT.
  function weight(ref, dbm) { return dbm == null ? 1 : dbm < ref.floor_dbm ? 0 : Math.pow(10, (dbm + 70) / 10); }
  function spanOf(n) {
    var c = n.center_mhz || n.freq_mhz, w = n.width_mhz || 20;
    return [c - w / 2, c + w / 2];
  }
  // [[low, high]]: two 80 MHz halves for an 80+80 channel (center2_mhz), else the one span.
  function spansOf(n) {
    if (!n.center2_mhz) { return [spanOf(n)]; }
    var q = (n.width_mhz || 160) / 4;
    return [[n.center_mhz - q, n.center_mhz + q], [n.center2_mhz - q, n.center2_mhz + q]];
  }
  function blockOf(ref, ch, width) {
    if (width === 20) { return [ch]; }
    return (ref.blocks_5[String(width)] || []).filter(function (b) { return b.indexOf(ch) >= 0; })[0] || null;
  }
  function candidates(ref, band, allowed) {
    if (band === "2.4") {
      return allowed["2.4"].map(function (c) { var f = freqOf(c, "2.4"); return { channel: c, width: 20, span: [f - 10, f + 10] }; });
    }
    var out = [];
    allowed["5"].forEach(function (c) {
      [80, 40, 20].forEach(function (w) {
        var block = blockOf(ref, c, w);
        if (!block || !block.every(function (ch) { return allowed["5"].indexOf(ch) >= 0; })) { return; }
        out.push({ channel: c, width: w, span: [freqOf(block[0], "5") - 10, freqOf(block[block.length - 1], "5") + 10], block: block });
      });
    });
    return out;
  }
  function overlap(ref, n, cand) {
    var meets = spansOf(n).some(function (s) { return !(s[1] <= cand.span[0] || s[0] >= cand.span[1]); });
    if (!meets) { return 0; }
    return n.channel === cand.channel ? 1 : ref.partial;
  }
  function round3(x) { return Math.round(x * 1000) / 1000; }

  function scoreBand(ref, networks, band, allowed) {
    var neighbours = networks.filter(function (n) { return n.band === band; });
    var dfs = allowed.dfs || [];
    var scored = candidates(ref, band, allowed).map(function (cand) {
      var total = 0, hits = [];
      neighbours.forEach(function (n) {
        var ov = overlap(ref, n, cand), w = weight(ref, n.signal_dbm);
        if (ov && w) { total += ov * w; hits.push(n); }
      });
      if (band === "2.4") { total *= ref.bias_24[String(cand.channel)] || 1; }
      var block = cand.block || [cand.channel];
      var penalty = band === "5" && block.some(function (ch) { return dfs.indexOf(ch) >= 0; }) ? ref.dfs_penalty : 0;
      return { channel: cand.channel, width_mhz: cand.width, score: round3(total), rank: round3(total + penalty),
               dfs: penalty > 0, hits: hits };
    });
    scored.sort(function (a, b) {
      if (a.rank !== b.rank) { return a.rank - b.rank; }
      var pa = band === "2.4" && ref.bias_24[String(a.channel)] ? 0 : 1, pb = band === "2.4" && ref.bias_24[String(b.channel)] ? 0 : 1;
      if (pa !== pb) { return pa - pb; }
      if (a.width_mhz !== b.width_mhz) { return b.width_mhz - a.width_mhz; }
      return a.channel - b.channel;
    });
    return scored;
  }

  function say(ref, code, lang, params) {
    return ref.messages[code][lang].replace(/\{(\w+)\}/g, function (_, k) { return params[k]; });
  }
  function num(x) { return Number.isInteger(x) ? x : Math.round(x * 10) / 10; }

  // Where an off-band network was heard (webapp/wifi/guidance.py _where): its channel, else its frequency in MHz, else
  // "?"; [kind, size, text, label], a number of more than 7 characters cut ("1234567…").
  function whereOf(n) {
    var tries = [[0, n.channel, ""], [1, n.freq_mhz, " MHz"]];
    for (var i = 0; i < tries.length; i++) {
      var value = tries[i][1];
      if (typeof value !== "number" || !isFinite(value)) { continue; }
      // Python's str(): an integer in full (BigInt: 1e300 has 301 digits, not "1e+300"), else the shortest repr.
      var text = Number.isInteger(value) ? BigInt(value).toString() : String(value), digits = text.replace(/^-/, "").length;
      return [tries[i][0], text.charAt(0) === "-" ? -digits : digits, text,
        (text.length <= 7 ? text : text.slice(0, 7) + "…") + tries[i][2]];
    }
    return [2, 0, "", "?"];
  }

  // The finding the server gave a scan with networks on channels no Wi-Fi band has (guidance.analyze's
  // off_band_networks), from the `offBand` networks its answer carried: a survey saved offline says it too.
  function offBandFinding(ref, offBand, lang) {
    var seen = {}, where = [];
    offBand.forEach(function (n) {
      var w = whereOf(n || {}), key = w[0] + "|" + w[2];
      if (!seen[key]) { seen[key] = true; where.push(w); }
    });
    where.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0); });
    var named = ref.off_band_named || 8;
    var params = { count: offBand.length,
      channels: where.slice(0, named).map(function (w) { return w[3]; }).join(", ") + (where.length > named ? ", …" : "") };
    return { code: "off_band_networks", severity: "warning", params: params, message: say(ref, "off_band_networks", lang, params) };
  }

  function analyze(ref, networks, country, ownSsid, lang, offBand) {
    var allowed = domain(ref, country);
    var own = networks.filter(function (n) { return ownSsid && n.ssid === ownSsid; });
    var others = networks.filter(function (n) { return own.indexOf(n) < 0; });
    var recommendation = {}, perBand = {};
    ["2.4", "5"].forEach(function (band) {
      var scored = allowed[band] ? scoreBand(ref, others, band, allowed) : [];
      perBand[band] = scored;
      if (!scored.length) { recommendation[band] = null; return; }
      var best = scored[0], code, params;
      if (best.hits.length) {
        code = "reason_least";
        params = { channel: best.channel, width: best.width_mhz, count: best.hits.length,
          strongest: num(Math.max.apply(null, best.hits.map(function (n) { return n.signal_dbm; }))) };
      } else {
        code = "reason_clear";
        params = { channel: best.channel, width: best.width_mhz };
      }
      // The code and numbers are what is kept; the sentence is for this reader (webapp/wifi/guidance.py worded).
      recommendation[band] = { channel: best.channel, width_mhz: best.width_mhz, score: best.score,
        reason_code: code, reason_params: params, reason: say(ref, code, lang, params) };
    });
    var findings = [];
    function add(code, severity, params) {
      findings.push({ code: code, severity: severity, params: params || {}, message: say(ref, code, lang, params || {}) });
    }
    if (ownSsid && !own.length) { add("own_not_found", "warning", { ssid: ownSsid }); }
    ["2.4", "5"].forEach(function (band) {
      var mine = own.filter(function (n) { return n.band === band; });
      if (!mine.length) { return; }
      var best = mine.reduce(function (a, b) { return b.signal_dbm > a.signal_dbm ? b : a; });
      if (best.signal_dbm < ref.good_signal_dbm) { add("weak_signal", "warning", { ssid: ownSsid, signal: num(best.signal_dbm) }); }
      else { add("good_signal", "ok", { ssid: ownSsid, signal: num(best.signal_dbm) }); }
      var rec = recommendation[band];
      if (rec && best.channel !== rec.channel) { add("change_channel", "warning", { band: band, current: best.channel, recommended: rec.channel }); }
    });
    if (perBand["2.4"] && perBand["2.4"].length && Math.min.apply(null, perBand["2.4"].map(function (s) { return s.score; })) >= 1) {
      add("crowded_24", "warning");
    }
    if (recommendation["5"] && (allowed.dfs || []).indexOf(recommendation["5"].channel) >= 0) {
      add("dfs_channel", "info", { channel: recommendation["5"].channel });
    }
    add("fix_channel", "info"); add("band_advice", "info"); add("wds_single_router", "info");
    if (offBand && offBand.length) { findings.unshift(offBandFinding(ref, offBand, lang)); }
    return { country: allowed.code, own_ssid: ownSsid || null, networks: networks, recommendation: recommendation, findings: findings };
  }

  // A network typed in from the phone's analyser app: SSID, channel, signal, width.
  function typed(ssid, channel, signal, width) {
    var f = freqOf(channel);
    return { bssid: null, ssid: ssid || "", hidden: !ssid, freq_mhz: f, channel: channel, band: bandOf(f),
             width_mhz: width || 20, signal_dbm: signal, security: "", center_mhz: null };
  }

  // ---- the chart: one SVG per band, each network a trapezoid over the spectrum it occupies ----
  // Built as DOM nodes (SSIDs go in as text and attribute values, never parsed as markup), so
  // the desk's pages and the phone's lit-html templates take the same element.
  function colour(text) {
    var h = 0;
    for (var i = 0; i < text.length; i++) { h = (h * 31 + text.charCodeAt(i)) % 360; }
    return "hsl(" + h + ",65%,45%)";
  }

  function shape(parent, name, attrs, text) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) { node.textContent = String(text); }
    parent.appendChild(node);
    return node;
  }

  // The networks' names over their shapes, never over one another nor past the chart's edges
  // (issue 15 item 15): this phone's own network first, then the strongest; a name is moved below
  // its peak, then a line further down, and left out when there is no free place. In a block of
  // flats a scan holds hundreds of networks (issue 15, field fault: 1,500 names piled into an
  // unreadable heap), so a channel names at most its strongest NAMES_PER_CHANNEL and says "+N" for
  // the rest, on a strip kept free at the foot of the chart; the list under the chart names all.
  var NAME_FONT = 10;  // as .wifi-chart .label in app.css
  var NAMES_PER_CHANNEL = 2;
  var GAP = 1;  // between two names' boxes, so neighbours never touch
  var measurer = null;
  // A name's width at NAME_FONT in the page's own font (the SVG inherits it); estimated where no
  // canvas is at hand (a worker), generously: CJK a full em, other characters 0.95 em.
  function nameWidth(text) {
    if (measurer === null && typeof document !== "undefined") {
      var context = document.createElement("canvas").getContext("2d");
      if (context) {
        context.font = NAME_FONT + "px " + getComputedStyle(document.documentElement).fontFamily;
        measurer = context;
      }
    }
    if (measurer) { return Math.ceil(measurer.measureText(text).width) + 1; }
    var w = 0;
    for (var i = 0; i < text.length; i++) { w += text.charCodeAt(i) > 0x2e7f ? NAME_FONT : NAME_FONT * 0.95; }
    return w;
  }
  // Put `text` centred near x at the first baseline of `tries` where its box meets no placed box;
  // false when none is free.
  function place(svg, placed, area, text, x, tries, extraClass) {
    var w = nameWidth(text);
    var cx = Math.max(area.left + w / 2 + 1, Math.min(area.right - w / 2 - 1, x));
    for (var i = 0; i < tries.length; i++) {
      var box = { x0: cx - w / 2 - GAP, x1: cx + w / 2 + GAP, y0: tries[i] - NAME_FONT - GAP, y1: tries[i] + 2 + GAP };
      if (box.y0 < 0 || box.y1 > area.bottom) { continue; }
      var clash = placed.some(function (o) { return box.x0 < o.x1 && o.x0 < box.x1 && box.y0 < o.y1 && o.y0 < box.y1; });
      if (!clash) {
        placed.push(box);
        shape(svg, "text", { "class": "label" + (extraClass ? " " + extraClass : ""), x: cx, y: tries[i] }, text);
        return true;
      }
    }
    return false;
  }
  // channels: [{x, nets: [{text, x, peak, signal, own}]}], one per channel that has networks.
  function placeNames(svg, channels, area) {
    var h = NAME_FONT + 2 + 2 * GAP;  // a box: from NAME_FONT above the baseline to 2 below, and a gap each side
    var strip = area.bottom - 2 * h;  // the foot of the chart, kept for the "+N" counts
    var names = [];
    channels.forEach(function (ch) {
      ch.nets.sort(function (a, b) { return (b.own - a.own) || (b.signal - a.signal); });
      ch.nets.forEach(function (net, i) {
        if (net.own || (i < NAMES_PER_CHANNEL && net.signal > -85)) { names.push({ net: net, channel: ch }); }
      });
      ch.named = 0;
    });
    var placed = [];
    names.sort(function (a, b) { return (b.net.own - a.net.own) || (b.net.signal - a.net.signal); });
    names.forEach(function (name) {
      var p = name.net.peak;
      var tries = [p - 2, p + h, p + 2 * h, p + 3 * h];
      if (place(svg, placed, { left: area.left, right: area.right, bottom: strip }, name.net.text, name.net.x, tries)) {
        name.channel.named += 1;
      }
    });
    var base = area.bottom - GAP - 2;
    channels.forEach(function (ch) {
      var more = ch.nets.length - ch.named;
      if (more > 0) { place(svg, placed, area, "+" + more, ch.x, [base, base - h], "more"); }
    });
  }

  // An <svg class="wifi-chart"> of one band ("2.4" | "5"), or null when the country has no channels there.
  function chart(ref, analysis, band) {
    var allowed = domain(ref, analysis.country);
    var channels = allowed[band];
    if (!channels || !channels.length) { return null; }
    // Each allowed channel gets its own slot; the gaps between 5 GHz sub-bands are squeezed out.
    var centres = channels.map(function (ch) { return freqOf(ch, band); });
    var n = centres.length;
    function slot(f) {
      if (f <= centres[0]) { return (f - centres[0]) / 20; }
      if (f >= centres[n - 1]) { return n - 1 + (f - centres[n - 1]) / 20; }
      for (var j = 0; j < n - 1; j++) {
        if (f <= centres[j + 1]) { return j + (f - centres[j]) / (centres[j + 1] - centres[j]); }
      }
      return n - 1;
    }
    var pad = band === "2.4" ? 4 : 1;
    var W = 360, H = 180, left = 30, bottom = 24, top = 10;
    function x(f) { return left + (slot(f) + pad) / (n - 1 + 2 * pad) * (W - left - 6); }
    function y(dbm) { var v = Math.max(-100, Math.min(-30, dbm)); return top + (-30 - v) / 70 * (H - top - bottom); }
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    [["class", "wifi-chart"], ["viewBox", "0 0 " + W + " " + H], ["role", "img"], ["aria-label", band + " GHz"]]
      .forEach(function (a) { svg.setAttribute(a[0], a[1]); });
    [-40, -50, -60, -70, -80, -90].forEach(function (d) {
      shape(svg, "line", { x1: left, x2: W, y1: y(d), y2: y(d), "class": "grid" + (d === -70 ? " threshold" : "") });
      shape(svg, "text", { x: 2, y: y(d) + 3, "class": "axis" }, d);
    });
    var rec = analysis.recommendation[band];
    if (rec) {
      var block = rec.width_mhz === 20 ? [rec.channel] : blockOf(ref, rec.channel, rec.width_mhz) || [rec.channel];
      var a = freqOf(block[0], band) - 10, b = freqOf(block[block.length - 1], band) + 10;
      shape(svg, "rect", { "class": "recommended", x: x(a), y: top, width: x(b) - x(a), height: H - top - bottom });
    }
    var byChannel = {};
    analysis.networks.filter(function (net) { return net.band === band; }).forEach(function (net) {
      var s = spanOf(net), own = analysis.own_ssid && net.ssid === analysis.own_ssid;
      var c = own ? "#0b62c4" : colour(net.ssid || net.bssid || "?");
      var base = y(-100), peak = y(net.signal_dbm), slope = (x(s[1]) - x(s[0])) * 0.1;
      var path = shape(svg, "path", { "class": "net" + (own ? " own" : ""), stroke: c, fill: c, d: "M" + x(s[0]) + " " + base +
        " L" + (x(s[0]) + slope) + " " + peak + " L" + (x(s[1]) - slope) + " " + peak + " L" + x(s[1]) + " " + base + " Z" });
      shape(path, "title", {}, (net.ssid || "(hidden)") + " " + net.signal_dbm + " dBm ch " + net.channel);
      var ch = byChannel[net.channel] || (byChannel[net.channel] = { x: x(freqOf(net.channel, band)), nets: [] });
      ch.nets.push({ text: (net.ssid || "?").slice(0, 12), x: (x(s[0]) + x(s[1])) / 2, peak: peak, signal: net.signal_dbm, own: own ? 1 : 0 });
    });
    placeNames(svg, Object.keys(byChannel).map(function (k) { return byChannel[k]; }), { left: left, right: W, top: top, bottom: H - bottom });
    channels.forEach(function (ch, i) {
      if (band === "5" && channels.length > 16 && i % 2) { return; }
      shape(svg, "text", { "class": "axis", "text-anchor": "middle", x: x(freqOf(ch, band)), y: H - 8 }, ch);
    });
    return svg;
  }

  root.ONTrackWifi = { analyze: analyze, scoreBand: scoreBand, typed: typed, chart: chart, freqOf: freqOf, bandOf: bandOf, domain: domain };
})(self);
