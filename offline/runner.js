// ONTrack fault-finding runner: walks the playbooks (webapp/playbooks/playbooks.json, carried to
// the phone as reference data) by the same rules as webapp/playbooks/engine.py. Pure functions
// only; screens/fault-finding.js draws the screens. tests/test_playbooks.py checks both agree on every path.
// The reference data carries the older versions too (data.archive), so a run started or
// recorded under one is walked and shown with the tree it followed (treeFor).
(function (root) {
  "use strict";
  var LED_STATES = ["off", "on", "blinking"];

  function Invalid(message) { this.message = message; }

  function bandOf(node, value) {
    for (var i = 0; i < node.bands.length; i++) {
      var b = node.bands[i];
      if ("gt" in b && !(value > b.gt)) { continue; }
      if ("ge" in b && !(value >= b.ge)) { continue; }
      if ("lt" in b && !(value < b.lt)) { continue; }
      if ("le" in b && !(value <= b.le)) { continue; }
      return b;
    }
    throw new Invalid("no band holds " + value);
  }

  // A typed reading: a number, inside what the instrument can show.
  function checkValue(node, value) {
    if (typeof value !== "number" || !isFinite(value)) { return "number"; }
    if (value < node.min || value > node.max) { return "range"; }
    return null;
  }

  // What a step recorded beside its answer (issue 21 item 6; engine.py check_details): how and at which
  // wavelength an optical power was measured, the port-test method. null when it is all there, else
  // {detail, code}: "missing" or "wavelength" (the seed's bands are for 1490 nm only).
  function detailProblem(data, node, step) {
    var names = node.details || [];
    for (var i = 0; i < names.length; i++) {
      var spec = data.details[names[i]], value = step[names[i]];
      if (names[i] === "wavelength_nm") {
        if (spec.options.indexOf(value) < 0) { return { detail: names[i], code: "missing" }; }
        if (value !== spec.judged) { return { detail: names[i], code: "wavelength" }; }
      } else if (typeof value !== "string" || !Object.prototype.hasOwnProperty.call(spec.options, value)) {
        return { detail: names[i], code: "missing" };
      }
    }
    return null;
  }

  // The answer a choice node's reading gives (engine.py reading_answer): a band's answer for a
  // splitter-port power, met / not met for a speed test (measured >= met_at_ratio x subscribed).
  function readingAnswer(reading, step) {
    if (checkValue(reading, step.value)) { throw new Invalid("impossible reading"); }
    if (reading.bands) { return bandOf(reading, step.value).answer; }
    var sub = step.subscribed_mbps;
    if (typeof sub !== "number" || !isFinite(sub) || sub < reading.subscribed.min || sub > reading.subscribed.max) {
      throw new Invalid("no subscribed rate");
    }
    return step.value >= sub * reading.met_at_ratio ? reading.met : reading.not_met;
  }

  // The playbooks of a run's version: the current ones, an archived one, or null if unknown.
  function treeFor(data, version) {
    if (!version || version === data.version) { return data; }
    return (data.archive && data.archive[version]) || null;
  }

  // The answers a node offers for an order: a node that asks the access type offers only the
  // order's own when it is one of them (the access type decides the checks, issue 16).
  function answerIds(node, accessType) {
    var all = Object.keys(node.answers);
    return node.answers_from === "access_type" && all.indexOf(accessType) >= 0 ? [accessType] : all;
  }

  // What one answer at a node leads to: {next} or {end}, plus the band of a measurement.
  function follow(data, nodeId, step, accessType) {
    var node = data.nodes[nodeId];
    if (!node) { throw new Invalid("unknown step " + nodeId); }
    if (node.kind === "measure") {
      if (checkValue(node, step.value)) { throw new Invalid("impossible reading at " + nodeId); }
      var band = bandOf(node, step.value);
      if (step.answer != null && step.answer !== band.code) { throw new Invalid("wrong band at " + nodeId); }
      if (detailProblem(data, node, step)) { throw new Invalid("details missing at " + nodeId); }
      return { branch: band, band: band };
    }
    if (node.kind === "checklist") {
      var wanted = node.items.map(function (i) { return i.id; }).sort().join(",");
      if (!Array.isArray(step.checked) || step.checked.slice().sort().join(",") !== wanted) {
        throw new Invalid("every item of " + nodeId + " must be ticked");
      }
    }
    if (node.reading && readingAnswer(node.reading, step) !== step.answer) { throw new Invalid("the reading disagrees at " + nodeId); }
    var branch = typeof step.answer === "string" ? node.answers[step.answer] : null;
    if (!branch) { throw new Invalid("no answer " + step.answer + " at " + nodeId); }
    if (answerIds(node, accessType).indexOf(step.answer) < 0) { throw new Invalid("the order's access type is " + accessType); }
    if (detailProblem(data, node, step)) { throw new Invalid("details missing at " + nodeId); }
    return { branch: branch, band: null };
  }

  function playbook(data, id) {
    return data.playbooks.filter(function (p) { return p.id === id; })[0] || null;
  }

  // Where a run stands: the node to ask next, or the outcome it reached.
  function position(data, run) {
    var nodeId = playbook(data, run.playbook).start;
    for (var i = 0; i < run.steps.length; i++) {
      var result = follow(data, nodeId, run.steps[i]);
      if ("end" in result.branch) { return { outcome: result.branch.end }; }
      nodeId = result.branch.next;
    }
    return { node: nodeId };
  }

  // Replay a whole run (what the server does): the outcome, or an Invalid.
  function checkRun(data, playbookId, steps, accessType) {
    var book = playbook(data, playbookId);
    if (!book) { throw new Invalid("unknown playbook"); }
    var nodeId = book.start, path = [];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i].node !== nodeId) { throw new Invalid("step " + (i + 1) + " should be " + nodeId); }
      var result = follow(data, nodeId, steps[i], accessType);
      path.push(nodeId);
      if ("end" in result.branch) {
        if (i !== steps.length - 1) { throw new Invalid("goes on after its conclusion"); }
        return { outcome: result.branch.end, path: path };
      }
      nodeId = result.branch.next;
    }
    throw new Invalid("stops without a conclusion");
  }

  function suggested(data, order) {
    return data.playbooks.filter(function (p) {
      var s = p.suggest || {};
      var access = !s.access_type || s.access_type.indexOf(order.access_type) >= 0;
      var symptom = !s.symptom || s.symptom.indexOf(order.symptom) >= 0;
      return (s.access_type || s.symptom) && access && symptom;
    });
  }

  // A question and its answer on one line: "？" already ends a question, so no "：" after it
  // (no "灯亮吗？：常亮"); otherwise the language's own colon.
  function qa(question, answer, lang) {
    if (/[？?]\s*$/.test(question)) { return question + " " + answer; }
    return question + (lang === "en" ? ": " : "：") + answer;
  }

  // What was recorded beside an answer, in words (engine.py detail_words): ["PON 光功率计", "1490 nm"].
  function detailWords(data, node, step, lang) {
    return (node.details || []).filter(function (name) { return step[name] != null; }).map(function (name) {
      if (name === "wavelength_nm") { return step[name] + " nm"; }
      var option = data.details[name].options[step[name]];
      return option ? option[lang] : String(step[name]);
    });
  }

  // Readable lines of a run: question, answer (a reading with its band and how it was measured), what
  // was done, and the number a line rests on (value; engine.py describe).
  function describe(data, steps, lang, ledWords) {
    return steps.map(function (step) {
      var node = data.nodes[step.node];
      var parts, did = null, value = null;
      if (node.kind === "measure") {
        var band = bandOf(node, step.value);
        parts = [step.value + " " + node.unit, band.label[lang]];
        did = band.did ? band.did[lang] : null;
        value = step.value;
      } else {
        var branch = node.answers[step.answer];
        parts = [node.kind === "led" ? ledWords[step.answer] : (branch.label ? branch.label[lang] : step.answer)];
        did = branch.did ? branch.did[lang] : null;
        var reading = node.reading;
        if (reading && step.value != null) {
          value = step.value;
          if (reading.bands) {
            parts.push(step.value + " " + reading.unit, bandOf(reading, step.value).label[lang]);
          } else {
            parts.push(reading.shown[lang].replace("{measured}", String(step.value)).replace("{subscribed}", String(step.subscribed_mbps)));
          }
        }
      }
      var answer = parts.concat(node.kind === "led" ? [] : detailWords(data, node, step, lang)).join(" · ");
      return { node: step.node, kind: node.kind, question: node.ask[lang], answer: answer, did: did, value: value };
    });
  }

  // The closure reply a finished run suggests: what was seen, why, what was done, the class, and
  // "recovered" only for a conclusion the seed gives as the repair (outcome.resolved); otherwise
  // "" so the technician says whether the service is back (review of issue 16).
  function closureFrom(data, run, lang, ledWords) {
    data = treeFor(data, run.playbook_version || run.version) || data;
    var lines = describe(data, run.steps, lang, ledWords);
    var seen = lines.filter(function (l) { return l.kind === "led" || l.value != null; })
      .map(function (l) { return qa(l.question, l.answer, lang); });
    var done = lines.filter(function (l) { return l.did; }).map(function (l) { return l.did; });
    var outcome = data.outcomes[run.outcome];
    var measured = lines.filter(function (l) { return l.value != null; }).map(function (l) { return l.question + " " + l.answer; });
    return {
      phenomenon: seen.join("；"),
      cause: (measured.length ? measured.join("；") + "。" : "") + done.join("；"),
      handling_process: done.concat([outcome.text[lang]]).join("；") + (run.note ? "。" + run.note : ""),
      classification: outcome.classification,
      result: outcome.resolved ? "recovered" : ""
    };
  }

  root.ONTrackRunner = {
    LED_STATES: LED_STATES, Invalid: Invalid, bandOf: bandOf, checkValue: checkValue, follow: follow,
    detailProblem: detailProblem, readingAnswer: readingAnswer,
    treeFor: treeFor, answerIds: answerIds,
    playbook: playbook, position: position, checkRun: checkRun, suggested: suggested, describe: describe,
    closureFrom: closureFrom, qa: qa
  };
})(self);
