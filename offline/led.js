// ONTrack LED check helpers: the capture guide's geometry, which model an order's ONT is, and
// how confirmed LED states answer the fault-finding tree's LED questions (H1–H4, B1, B2, R1–R3).
// Pure functions over the "leds" reference data; screens/led-check.js and screens/led-camera.js draw the screens and drive the camera.
(function (root) {
  "use strict";
  // "lit": on in a single photo, which cannot tell steady from flashing (ranked above "on": it may be flashing).
  var RANK = { blinking: 3, lit: 2, on: 1, off: 0 };

  // The catalog model that matches the order's ONT model text, if one does.
  // The catalog model an order's text names ("ZTE F6005v3", "EchoLife HG8546M", "F601"), or null. Letters and
  // digits only, case folded; the vendor's series prefix (EchoLife, ZXHN) and a catalog name's trailing version
  // ("F601 v1") may be left out. The longest name found wins, so "F6005v3" is not taken for the F6005 (review r9);
  // a name is found only where no other digit runs on ("F601" is not in "F6010").
  function modelFor(ref, text) {
    var wanted = String(text || "").toLowerCase().replace(/[^a-z0-9]/g, "");
    if (!wanted) { return null; }
    function found(name) {
      for (var at = wanted.indexOf(name); at >= 0; at = wanted.indexOf(name, at + 1)) {
        if (!/[0-9]/.test(wanted.charAt(at + name.length)) && !(/[0-9]/.test(name.charAt(0)) && /[0-9]/.test(wanted.charAt(at - 1)))) {
          return true;
        }
      }
      return false;
    }
    var best = null, bestScore = 0;
    ref.models.forEach(function (m) {
      var name = m.name.toLowerCase().replace(/[^a-z0-9]/g, "").replace(/^(echolife|zxhn)/, "");
      var base = name.replace(/v[0-9]+$/, "");
      // the whole name beats the name without its version; a longer name beats a shorter one
      var score = found(name) ? 2 * name.length + 1 : (base.length >= 3 && base !== name && found(base)) ? 2 * base.length : 0;
      if (score > bestScore) { best = m; bestScore = score; }
    });
    if (best) { return best; }
    // else a part of exactly one model's name, four letters or digits at least ("8546" for the HG8546M)
    var partOf = wanted.length >= 4 ? ref.models.filter(function (m) {
      return m.name.toLowerCase().replace(/[^a-z0-9]/g, "").indexOf(wanted) >= 0;
    }) : [];
    return partOf.length === 1 ? partOf[0] : null;
  }

  // LED names typed left to right, as the server reads them; null when unusable.
  function parseLabels(text) {
    var labels = String(text || "").split(/[,，、;\s]+/).filter(function (x) { return x; });
    if (!labels.length || labels.length > 16) { return null; }
    for (var i = 0; i < labels.length; i++) { if (!/^[A-Za-z0-9.\-\/+ \u4e00-\u9fff]{1,12}$/.test(labels[i])) { return null; } }  // catalog.py LABEL
    return labels;
  }

  // The first name given to two lights (letter case aside, as the server compares them: catalog.py parse_labels), or null.
  function doubledLabel(labels) {
    var seen = {};
    for (var i = 0; i < labels.length; i++) {
      var key = labels[i].toUpperCase();
      if (seen[key]) { return labels[i]; }
      seen[key] = true;
    }
    return null;
  }

  // Where the guide puts each LED, as fractions of the frame: x between the end marks, y the middle.
  function guideSpots(ref, leds) {
    var left = ref.guide.left, right = ref.guide.right;
    return leds.map(function (led, i) {
      var x = led.x != null ? led.x : (leds.length > 1 ? i / (leds.length - 1) : 0.5);
      return { x: left + (right - left) * x, y: 0.5 };
    });
  }

  // Confirmed states → the tree's answers by LED name; the liveliest LAN port counts.
  function treeAnswers(leds, kind) {
    var byRole = {};
    leds.forEach(function (led) {
      if (led.tree && led.state in RANK && (!(led.tree in byRole) || RANK[led.state] > RANK[byRole[led.tree]])) {
        byRole[led.tree] = led.state;
      }
    });
    var names = kind === "router" ? { power: ["Router Power", "Router POWER"], wan: ["WAN"], lan: ["LAN"] }
      : { power: ["Power", "ONU POWER"], los: ["LOS"], pon: ["PON"], lan: ["LAN"] };
    var result = {};
    Object.keys(names).forEach(function (role) {
      if (role in byRole) { names[role].forEach(function (n) { result[n] = byRole[role]; }); }
    });
    return result;
  }

  // Whether the check's capture could tell a steady light from a flashing one: the reader's steady_known (a
  // burst: true, one photo: false); before the reading, a burst of more than one frame.
  function steadyKnown(check) {
    if (check.reading && typeof check.reading.steady_known === "boolean") { return check.reading.steady_known; }
    return check.capture === "burst" && (check.frames || 1) > 1;
  }

  // The states a check stands for: the technician's confirmation, else nothing. A light confirmed "on" as a single
  // photo read it (the photo said on, or leant to on when unsure), and not tapped "on" with the photo, is "lit": the
  // confirmation took the photo's word, and one photo cannot show flashing (review r7: one tap on "Confirm these
  // lights" sent a photo's "PON steady" to the tree). A light the technician tapped to "on" (with the photo, or before
  // confirming: the confirmation's "tapped") stays "on". webapp/led/checks.py photo_lit is the same rule on the server.
  function confirmedLeds(check, model) {
    if (!check.confirmed) { return null; }
    var known = steadyKnown(check);
    var read = (check.reading && check.reading.leds) || [];
    var taps = check.tapped || [];
    return check.confirmed.map(function (s, i) {
      var led = model ? model.leds[i] : null;
      var said = read[i] ? (read[i].state === "unsure" ? read[i].lean || null : read[i].state) : null;
      var fromPhoto = !known && s.state === "on" && !s.tapped && said === "on" && !(taps[i] && taps[i].state === "on");
      return { label: s.label, state: fromPhoto ? "lit" : s.state, color: s.color, tree: led ? led.tree : null };
    });
  }

  // Which tree question a light of a named (not catalogued) panel answers, by its name.
  function roleTree(ref, label) {
    var tree = ref.label_trees[String(label).toUpperCase().replace(/\s/g, "")];
    return tree === undefined ? null : tree;
  }

  // One tap on a chip: off → on → flashing → off; a light the photo could not read ("unsure") → on.
  function nextState(state) { return state === "off" || state === "unsure" ? "on" : state === "on" ? "blinking" : "off"; }

  root.ONTrackLed = { modelFor: modelFor, parseLabels: parseLabels, doubledLabel: doubledLabel, guideSpots: guideSpots, treeAnswers: treeAnswers,
                      confirmedLeds: confirmedLeds, nextState: nextState, roleTree: roleTree, steadyKnown: steadyKnown };
})(typeof window !== "undefined" ? window : this);
