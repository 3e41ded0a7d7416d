// ONTrack technician app: the job list and job pages drawn from the phone's briefcase (IndexedDB).
//
// Every write the technician makes is queued in the outbox (store.js) and shown at once; the
// sync loop (sync.js) sends it when it can. Online or offline, it is the same path.
(function () {
  "use strict";
  var boot = JSON.parse(document.getElementById("boot").textContent);
  var S = window.ONTrackStore, Y = window.ONTrackSync, R = window.ONTrackRunner, WF = window.ONTrackWifi, L = window.ONTrackLed;
  var app = document.getElementById("app");
  var statusBar = document.getElementById("sync-status");
  var userId = boot.user.id;
  var db = null;
  var failures = 0, timer = null, again = false, syncing = false;
  var typing = false;  // the technician has typed into a form: a sync must not redraw it away
  var lastInput = 0;  // when the technician last typed or drew

  // Put a page on screen, unless this is a redraw after a sync and the technician typed or
  // drew something while it was being prepared (it would wipe what they entered).
  function paint(html, pass) {
    if (pass && pass.background && lastInput >= pass.started) { return false; }
    app.innerHTML = html;
    return true;
  }
  var QUICK = ["accept", "depart", "arrive", "restore", "resume"];
  var MAX_PHOTO_EDGE = 2048;
  var openRunId = null;  // the fault-finding run on screen, if any
  var wifiPreview = null;  // a Wi-Fi analysis shown but not saved yet: {order_id, source, format, analysis}
  var pads = {};  // signature pads on screen, by canvas id
  var LED_WORDS = { off: t("Off"), on: t("Steady on"), blinking: t("Flashing") };
  var COLOR_WORDS = { green: t("green"), red: t("red"), orange: t("orange"), other: t("other colour") };
  var RETAKE_WORDS = {
    too_dark: t("Too dark: switch on a light or shine a torch at the panel from the side; flash off."),
    blurry: t("Blurred: hold the phone still with both hands and tap the screen on the lights to focus."),
    over_exposed: t("Too bright or glare: tilt the phone a little so the reflection moves off the lights; flash off."),
    too_far: t("Too far: move closer until the first and last light sit on the guide's end marks."),
    no_panel: t("No panel found: put the row of lights on the guide line, first light on the left mark."),
    unreadable: t("This file is not a photo the phone can read."),
  };
  var ledDraft = null;  // a photo or burst taken but not saved yet: {order_id, model, capture, blob, url, frames, …}
  var ledEdits = {};  // chips the technician tapped on a saved check, by check id, until confirmed
  var camera = null;  // the open camera: {stream, capture, order_id, model}

  // ---- words and times ----
  function t(key, params) {
    var text = boot.strings[key] || key;
    return text.replace(/%\((\w+)\)[sd]/g, function (_, name) { return params && name in params ? params[name] : ""; });
  }
  function label(kind, value) { return (boot.labels[kind] || {})[value] || value || ""; }
  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  var parts = new Intl.DateTimeFormat("en-CA", { timeZone: boot.tz, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  // Times from the server are UTC ("…Z"); times typed on the phone are already local ("YYYY-MM-DDTHH:MM").
  function local(value) {
    if (!value) { return null; }
    if (!/Z$|[+-]\d\d:\d\d$/.test(value)) { return { date: value.slice(0, 10), time: value.slice(11, 16) }; }
    var p = {};
    parts.formatToParts(new Date(value)).forEach(function (x) { p[x.type] = x.value; });
    return { date: p.year + "-" + p.month + "-" + p.day, time: p.hour + ":" + p.minute };
  }
  function today() { return local(new Date().toISOString()).date; }
  function when(value) {
    var l = local(value);
    if (!l) { return ""; }
    return l.date === today() ? l.time : l.date.slice(5) + " " + l.time;
  }
  function localInput(value) { var l = local(value); return l ? l.date + "T" + l.time : ""; }

  // ---- the briefcase ----
  function reference(id) { return db.get("reference", id).then(function (r) { return r ? r.data : null; }); }

  async function nextSteps(order) {
    var lifecycle = await reference("lifecycle");
    if (!lifecycle) { return []; }
    return lifecycle.actions.filter(function (a) {
      return a.sources.indexOf(order.state) >= 0 && (a.name !== "resume" || order.resume_state);
    });
  }

  function targetOf(action, order) { return action.name === "resume" ? order.resume_state : action.target; }

  async function queue(order, name, args, blob) {
    var stored = await db.get("orders", order.id);
    await S.enqueue(db, { name: name, args: args, order_id: order.id, base_version: stored ? stored.version : null, blob: blob });
    if (navigator.serviceWorker && navigator.serviceWorker.ready) {
      navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) { return reg.sync.register("ontrack-sync"); } })
        .catch(function () {});
    }
    await render();
    requestSync();
  }

  // ---- pages ----
  function stateChip(state) { return '<span class="chip state-' + esc(state) + '">' + esc(label("state", state)) + "</span>"; }
  function pendingMark(item) { return item.pending ? ' <span class="chip pending">' + esc(t("waiting to sync")) + "</span>" : ""; }

  function card(o) {
    var slot = o.appointment_start ? when(o.appointment_start) + "–" + (local(o.appointment_end) || {}).time : t("No appointment yet");
    return '<li class="job card" id="job-' + o.id + '">' +
      '<a class="job-main" data-nav href="/jobs/' + o.id + '"><div class="job-top">' + stateChip(o.state) +
      ' <small class="muted">' + esc(o.order_no) + "</small></div>" +
      '<div class="job-when">' + esc(slot) + "</div>" +
      '<div class="job-who">' + esc(o.customer_name) + " · " + esc(label("order_type", o.order_type)) + " · " +
      esc(label("symptom", o.symptom)) + "</div>" +
      '<div class="job-where muted">' + esc(o.address) + "</div></a>" +
      '<div class="job-buttons"><a class="btn" href="tel:' + esc((o.contact_phone || "").replace(/\s/g, "")) + '">' +
      esc(t("Call")) + '</a><a class="btn" href="' + esc(o.map.geo) + '">' + esc(t("Map")) + "</a></div></li>";
  }

  async function attentionHtml(orderId) {
    var items = await db.getAll("attention");
    if (orderId) { items = items.filter(function (i) { return i.order_id === orderId; }); }
    if (!items.length) { return ""; }
    return '<section class="card attention" id="attention"><h2>' + esc(t("Needs attention")) +
      ' <span class="badge">' + items.length + "</span></h2><ul>" + items.map(function (i) {
        var row = i.server_row || {};
        var what = i.name === "order.transition" ? label("action", i.args.action) : i.name === "order.add_note" ?
          t("Progress note") + ": “" + i.args.text + "”" : t("Photo");
        return '<li class="attention-item ' + esc(i.status) + '" data-seq="' + i.seq + '"><p><b>' +
          esc(row.order_no || ("#" + i.order_id)) + "</b> · " + esc(what) + " · <small>" + esc(when(i.occurred_at)) +
          "</small></p><p>" + esc(i.status === "conflict" ? t("Not applied: the order changed meanwhile.") :
          t("Refused by the server.")) + " " + esc(i.error) + "</p>" +
          (row.state ? "<p>" + esc(t("Now")) + ": " + stateChip(row.state) + "</p>" : "") +
          '<button class="btn" type="button" data-dismiss="' + i.seq + '">' + esc(t("Understood")) + "</button></li>";
      }).join("") + "</ul></section>";
  }

  async function renderList(pass) {
    var orders = await S.allOrders(db);
    var day = today();
    var active = orders.filter(function (o) { return ["returned", "rejected", "unsolved", "closed"].indexOf(o.state) < 0; });
    var toAppoint = active.filter(function (o) { return !o.appointment_start; });
    var dated = active.filter(function (o) { return o.appointment_start; })
      .sort(function (a, b) { return localInput(a.appointment_start) < localInput(b.appointment_start) ? -1 : 1; });
    var todays = dated.filter(function (o) { return local(o.appointment_start).date <= day; });
    var later = dated.filter(function (o) { return local(o.appointment_start).date > day; });
    var done = orders.filter(function (o) { return active.indexOf(o) < 0; });
    var html = "<h1>" + esc(t("My jobs")) + "</h1>" + await attentionHtml(null);
    if (!orders.length && !(await S.getMeta(db, "cursor"))) {
      html += '<p class="card muted">' + esc(t("Your jobs have not been loaded onto this phone yet. Connect once to load them.")) + "</p>";
    }
    if (toAppoint.length) {
      html += "<h2>" + esc(t("Make an appointment")) + ' <span class="badge">' + toAppoint.length + '</span></h2><ul class="jobs" id="jobs-to-appoint">' +
        toAppoint.map(card).join("") + "</ul>";
    }
    html += "<h2>" + esc(t("Today")) + '</h2><ul class="jobs" id="jobs-today">' + (todays.map(card).join("") ||
      '<li class="empty muted">' + esc(t("No appointments today.")) + "</li>") + "</ul>";
    if (later.length) { html += "<h2>" + esc(t("Later")) + '</h2><ul class="jobs" id="jobs-later">' + later.map(card).join("") + "</ul>"; }
    if (done.length) { html += "<h2>" + esc(t("Done, waiting to sync")) + '</h2><ul class="jobs" id="jobs-done">' + done.map(card).join("") + "</ul>"; }
    if (!paint(html, pass)) { return; }
    document.title = t("My jobs") + " · ONTrack";
  }

  function field(name, title, control, required) {
    return '<label class="field"><span>' + esc(title) + (required ? " *" : "") + "</span>" + control + "</label>";
  }
  function textarea(name, required, value) {
    return '<textarea name="' + name + '" rows="2"' + (required ? " required" : "") + ' maxlength="2000">' + esc(value || "") + "</textarea>";
  }
  function select(name, options, chosen, required) {
    return '<select name="' + name + '"' + (required ? " required" : "") + ">" + options.map(function (o) {
      return '<option value="' + esc(o[0]) + '"' + (o[0] === chosen ? " selected" : "") + ">" + esc(o[1]) + "</option>"; }).join("") + "</select>";
  }
  function datetime(name, value) { return '<input type="datetime-local" name="' + name + '" required value="' + esc(value || "") + '">'; }

  function actionForm(order, action, inner, primary) {
    return '<form class="action-form" data-form="' + action.name + '" data-to="' + esc(targetOf(action, order)) + '">' + inner +
      '<button class="btn wide' + (primary ? " primary" : "") + '" type="submit" data-action="' + action.name + '">' +
      esc(label("action", action.name)) + "</button></form>";
  }

  // A run that ended at a conclusion the seed does not give as the repair pre-selects nothing.
  function resultSelect(prefilled) {
    var results = [["recovered", t("Recovered")], ["not_recovered", t("Not recovered")]];
    if (prefilled !== "") { return select("result", results, prefilled); }
    return select("result", [["", t("Choose: the guide's conclusion is not a repair")]].concat(results), "", true);
  }

  function closureForm(order, action, playbooks) {
    var arrived = order.events.filter(function (e) { return e.action === "arrive"; }).pop();
    var now = localInput(new Date().toISOString());
    var lastRun = (order.runs || []).slice(-1)[0];
    var followed = lastRun && playbooks ? R.treeFor(playbooks, lastRun.playbook_version) : null;
    var pre = followed && followed.outcomes[lastRun.outcome] ? R.closureFrom(playbooks, lastRun, boot.lang, LED_WORDS) : {};
    var inner = (lastRun && pre.cause !== undefined ? '<p class="muted small" id="closure-prefilled">' + esc(t("Filled in from the fault-finding run; check and correct it.")) + "</p>" : "") +
      field("phenomenon", t("Fault phenomenon"), textarea("phenomenon", true, pre.phenomenon), true) +
      field("arrival_time", t("Arrival time"), datetime("arrival_time", arrived ? localInput(arrived.at) : now), true) +
      field("cause", t("Cause"), textarea("cause", true, pre.cause), true) +
      field("handling_process", t("Handling process"), textarea("handling_process", true, pre.handling_process), true) +
      field("equipment_replaced", t("Equipment replaced (faulty model × qty → new model × qty, or “none”)"), textarea("equipment_replaced", true), true) +
      field("result", t("Result"), resultSelect(pre.result)) +
      field("recovery_time", t("Recovery time"), datetime("recovery_time", now), true) +
      field("classification", t("Fault classification"), select("classification", boot.closure_classes, pre.classification));
    if (order.access_type === "enterprise") {
      inner += field("confirmation", t("Restoration confirmed by"), select("confirmation", boot.closure_confirmations));
    } else {
      inner += '<label class="check"><input type="checkbox" name="holder_informed" value="y" required> ' +
        esc(t("The account holder and contact-phone holder were told the service is repaired")) + "</label>";
    }
    return actionForm(order, action, inner, true);
  }

  async function stepsHtml(order) {
    var steps = await nextSteps(order);
    var byName = {};
    steps.forEach(function (a) { byName[a.name] = a; });
    var html = "";
    QUICK.forEach(function (name) { if (byName[name]) { html += actionForm(order, byName[name], "", true); } });
    if (byName.make_appointment) {
      var moving = order.state === "appointed";
      html += "<h2>" + esc(moving ? t("Change the appointment") : t("Appointment")) + "</h2>" + actionForm(order, byName.make_appointment,
        field("appointment_start", t("From"), datetime("appointment_start", localInput(order.appointment_start)), true) +
        field("appointment_end", t("Until"), datetime("appointment_end", localInput(order.appointment_end)), true) +
        (moving ? field("reason", t("Reason for the change"), textarea("reason", true), true) : ""), !moving);
    }
    if (byName["return"]) { html += "<h2>" + esc(t("Closure reply")) + "</h2>" + closureForm(order, byName["return"], await reference("playbooks")); }
    if (!html) { html = '<p class="muted">' + esc(t("Nothing for you to do on this order now.")) + "</p>"; }
    var extra = "";
    if (byName.reject) {
      extra += '<details class="card"><summary>' + esc(label("action", "reject")) + "</summary>" +
        actionForm(order, byName.reject, field("reason", t("Reason"), textarea("reason", true), true)) + "</details>";
    }
    if (byName.mark_unsolved) {
      extra += '<details class="card"><summary>' + esc(label("action", "mark_unsolved")) + "</summary>" +
        actionForm(order, byName.mark_unsolved, field("reason", t("Why it cannot be solved now"), textarea("reason", true), true) +
        field("legacy_expected_date", t("Expected resolution date"), '<input type="date" name="legacy_expected_date">') +
        '<label class="check"><input type="checkbox" name="no_expected_date" value="y"> ' + esc(t("No expected resolution date")) + "</label>") +
        "</details>";
    }
    return { main: html, extra: extra };
  }

  function detailsHtml(o) {
    var rows = [
      [t("Type"), label("order_type", o.order_type) + " · " + label("access_type", o.access_type) + " · " + label("priority", o.priority)],
      [t("Symptom"), label("symptom", o.symptom) + (o.dialup_error ? " " + o.dialup_error : "")],
      [t("Customer"), o.customer_name + (o.contact_name ? " · " + o.contact_name : "")],
      [t("Contact phone"), o.contact_phone],
      [t("Broadband account"), o.broadband_account || "—"],
      [t("Address"), o.address],
      [t("Equipment"), (o.ont_model || "—") + " " + (o.ont_serial || "") + " · OLT " + (o.olt || "—") + " · PON " + (o.pon_port || "—") + " · " + t("Splitter") + " " + (o.splitter || "—")],
    ];
    if (o.appointment_start) { rows.push([t("Appointment"), when(o.appointment_start) + " – " + (local(o.appointment_end) || {}).time]); }
    if (o.next_due_at) { rows.push([t("Due"), when(o.next_due_at)]); }
    if (o.description) { rows.push([t("Description"), o.description]); }
    return '<dl class="details">' + rows.map(function (r) { return "<dt>" + esc(r[0]) + "</dt><dd>" + esc(r[1]) + "</dd>"; }).join("") + "</dl>";
  }

  async function photoHtml(o) {
    var items = await Promise.all(o.attachments.map(async function (a) {
      var local = await db.get("blobs", a.sha256);
      var src = local && local.blob ? URL.createObjectURL(local.blob) : "/api/blobs/" + a.sha256;
      var bad = local && local.state === "bad" ? '<small class="error">' + esc(local.error) + "</small>" : "";
      return '<figure class="photo"><img alt="" src="' + esc(src) + '"><figcaption>' + esc(a.caption) + pendingMark(a) + bad + "</figcaption></figure>";
    }));
    return '<section class="card" id="photos"><h2>' + esc(t("Photos")) + '</h2><div class="photos">' + items.join("") + "</div>" +
      '<form id="photo-form"><label class="field"><span>' + esc(t("What the photo shows")) + '</span><input name="caption" maxlength="200"></label>' +
      '<label class="btn wide"><input type="file" name="photo" accept="image/*" capture="environment" hidden> ' + esc(t("Take a photo")) +
      '</label><p class="error" id="photo-error" hidden></p></form></section>';
  }

  function timelineHtml(o) {
    var events = o.events.slice().sort(function (a, b) { return a.at < b.at ? -1 : a.at > b.at ? 1 : 0; });
    return '<section class="card"><h2>' + esc(t("Timeline")) + '</h2><ol class="timeline">' + events.map(function (e) {
      return "<li><time>" + esc(when(e.at)) + "</time> " + esc(label("action", e.action)) +
        (e.to_state && e.to_state !== e.from_state ? " → " + esc(label("state", e.to_state)) : "") +
        (e.actor ? " · " + esc(e.actor) : "") + (e.reason ? ' <span class="muted">' + esc(e.reason) + "</span>" : "") + pendingMark(e) + "</li>";
    }).join("") + "</ol></section>";
  }

  function historyHtml(o) {
    if (!o.history || !o.history.length) { return ""; }
    return '<section class="card"><h2>' + esc(t("Earlier orders here")) + "</h2><ul>" + o.history.map(function (h) {
      return "<li>" + esc(when(h.created_at)) + " · " + esc(h.order_no) + " · " + esc(label("symptom", h.symptom)) + " · " +
        esc(label("state", h.state)) + (h.cause ? '<br><small class="muted">' + esc(h.cause) + "</small>" : "") + "</li>";
    }).join("") + "</ul></section>";
  }

  async function renderJob(id, pass) {
    var o = await S.orderView(db, id);
    if (!o) {
      paint('<p><a data-nav href="/jobs/">← ' + esc(t("My jobs")) + "</a></p>" + await attentionHtml(id) +
        '<p class="card">' + esc(t("This order is not on this phone: it may have been reassigned or finished.")) + "</p>", pass);
      return;
    }
    var playbooks = await reference("playbooks");
    var open = openRunId ? await db.get("runs", openRunId) : null;
    if (open && open.order_id === o.id && playbooks) { renderRunner(o, open, playbooks, pass); return; }
    var steps = await stepsHtml(o);
    var html = '<p><a data-nav href="/jobs/">← ' + esc(t("My jobs")) + "</a></p>" +
      '<div class="order-head" data-order="' + o.id + '"><h1>' + esc(o.customer_name) + "</h1><p>" + stateChip(o.state) +
      ' <small class="muted">' + esc(o.order_no) + "</small></p></div>" + await attentionHtml(id) +
      '<div class="job-buttons big"><a class="btn" href="tel:' + esc((o.contact_phone || "").replace(/\s/g, "")) + '">' +
      esc(t("Call the customer")) + '</a><a class="btn" href="' + esc(o.map.geo) + '">' + esc(t("Open in map")) + "</a></div>" +
      '<section class="card next-step" id="next-step">' + steps.main + "</section>" + await diagnosisHtml(o, playbooks) +
      await ledHtml(o) + await wifiHtml(o) + await signoffHtml(o, playbooks) +
      '<section class="card">' + detailsHtml(o) + "</section>" +
      '<section class="card" id="notes"><h2>' + esc(t("Progress note")) + '</h2><form id="note-form"><label class="field">' +
      '<textarea name="text" rows="3" required maxlength="2000"></textarea></label><button class="btn" type="submit">' + esc(t("Add note")) +
      "</button></form>" + o.notes.slice().reverse().map(function (n) {
        return '<p class="note"><time>' + esc(when(n.at)) + "</time> " + esc(n.author || boot.user.name) + ": " + esc(n.text) + pendingMark(n) + "</p>";
      }).join("") + "</section>" + await photoHtml(o) + steps.extra + historyHtml(o) + timelineHtml(o);
    if (!paint(html, pass)) { return; }
    document.title = o.order_no + " · ONTrack";
    initPads();
  }

  // ---- guided fault-finding ----
  async function diagnosisHtml(o, data) {
    if (!data) { return ""; }
    var unfinished = (await db.getAll("runs")).filter(function (r) { return r.order_id === o.id; });
    var suggested = R.suggested(data, o);
    var others = data.playbooks.filter(function (p) { return suggested.indexOf(p) < 0; });
    function start(p, primary) {
      return '<button class="btn wide' + (primary ? " primary" : "") + '" type="button" data-start-run="' + esc(p.id) + '">' +
        esc(p.title[boot.lang]) + "</button>";
    }
    var html = '<section class="card" id="diagnosis"><h2>' + esc(t("Fault-finding")) + "</h2>";
    html += unfinished.map(function (r) {
      return '<button class="btn wide" type="button" data-resume-run="' + esc(r.id) + '">' + esc(t("Continue")) + ": " +
        esc(R.playbook(data, r.playbook).title[boot.lang]) + " (" + esc(t("%(n)d answered", { n: r.steps.length })) + ")</button>";
    }).join("");
    html += (o.runs || []).map(function (r) {
      var followed = R.treeFor(data, r.playbook_version) || data;  // the guide version the run followed
      var outcome = followed.outcomes[r.outcome];
      var book = R.playbook(followed, r.playbook);
      var version = r.playbook_version ? ' <small class="muted">' + esc(t("guide version")) + ' <span class="run-version">' + esc(r.playbook_version) +
        "</span>" + (r.playbook_version !== data.version ? " (" + esc(t("an older version; now %(version)s", { version: data.version })) + ")" : "") + "</small>" : "";
      return '<div class="run-done" data-version="' + esc(r.playbook_version || "") + '"><b>' + esc(book ? book.title[boot.lang] : r.playbook) + "</b> ⟶ " +
        esc(outcome ? outcome.text[boot.lang] : r.outcome) + pendingMark(r) + version + '<ol class="run-steps">' +
        R.describe(followed, r.steps, boot.lang, LED_WORDS).map(function (l) {
          return "<li>" + esc(l.question) + ": <b>" + esc(l.answer) + "</b></li>"; }).join("") + "</ol></div>";
    }).join("");
    html += suggested.map(function (p) { return start(p, true); }).join("");
    html += '<details><summary>' + esc(t("Other guides")) + "</summary>" + others.map(function (p) { return start(p, false); }).join("") + "</details>";
    return html + "</section>";
  }

  function renderRunner(o, run, data, pass) {
    data = R.treeFor(data, run.version) || data;
    var book = R.playbook(data, run.playbook);
    var where = R.position(data, run);
    var head = '<div class="runner-head"><b>' + esc(book.title[boot.lang]) + "</b> · " + esc(o.customer_name) +
      ' <small class="muted">' + esc(t("Step %(n)d", { n: run.steps.length + 1 })) + "</small></div>";
    var nav = '<div class="runner-nav">' + (run.steps.length ? '<button class="btn" type="button" data-run-back>← ' + esc(t("Back")) + "</button>" : "") +
      '<button class="btn" type="button" data-run-pause>' + esc(t("Pause")) + "</button></div>";
    var last = run.steps.length ? R.describe(data, run.steps.slice(-1), boot.lang, LED_WORDS)[0] : null;
    var previous = last ? '<p class="muted small runner-last">' + esc(last.question) + ": <b>" + esc(last.answer) + "</b></p>" : "";
    var body;
    if (where.outcome) {
      var outcome = data.outcomes[where.outcome];
      var lines = R.describe(data, run.steps, boot.lang, LED_WORDS);
      body = '<section class="card runner conclusion' + (outcome.gap ? " gap" : "") + '" id="runner" data-node="END"><h1>' + esc(outcome.text[boot.lang]) + "</h1>" +
        (outcome.tasks || []).map(function (k) { return '<p class="chip">' + esc(t("Desk task")) + ": " + esc(data.tasks[k][boot.lang]) + "</p>"; }).join("") +
        (outcome.followups || []).map(function (k) { return '<p class="chip breach">' + esc(t("Follow-up")) + ": " + esc(data.followups[k][boot.lang]) + "</p>"; }).join("") +
        '<ol class="run-steps">' + lines.map(function (l) { return "<li>" + esc(l.question) + ": <b>" + esc(l.answer) + "</b></li>"; }).join("") + "</ol>" +
        '<form id="conclude-form"><label class="field"><span>' + esc(outcome.gap ? t("Describe what you see (required)") : t("Note (optional)")) + "</span>" +
        '<textarea name="note" rows="3" maxlength="2000"' + (outcome.gap ? " required" : "") + "></textarea></label>" +
        '<button class="btn primary wide big-touch" type="submit">' + esc(t("Save the result")) + "</button></form></section>";
    } else {
      var node = data.nodes[where.node];
      var hint = node.hint ? '<p class="muted">' + esc(node.hint[boot.lang]) + "</p>" : "";
      var answers;
      if (node.kind === "led") {
        var seen = ledSuggestion(o, run.playbook, node);
        answers = R.LED_STATES.map(function (s) {
          return '<button class="btn wide big-touch led-' + s + (seen === s ? " suggested" : "") + '" type="button" data-answer="' + s + '">' +
            '<span class="led-dot"></span>' + esc(LED_WORDS[s]) + (seen === s ? ' <small class="from-photo">' + esc(t("as confirmed on the LED photo")) + "</small>" : "") + "</button>";
        }).join("");
      } else if (node.kind === "measure") {
        answers = '<form id="measure-form"><label class="field"><span>' + esc(node.unit) + '</span><input name="value" type="text" inputmode="decimal" autocomplete="off" required autofocus></label>' +
          '<p id="band" class="band" aria-live="polite"></p><button class="btn primary wide big-touch" type="submit">' + esc(t("Next")) + "</button></form>";
      } else if (node.kind === "checklist") {
        answers = '<form id="checklist-form">' + node.items.map(function (i) {
          return '<label class="check big-touch"><input type="checkbox" name="item" value="' + esc(i.id) + '" required> ' + esc(i[boot.lang]) + "</label>"; }).join("") +
          Object.keys(node.answers).map(function (a) {
            return '<button class="btn primary wide big-touch" type="submit" value="' + esc(a) + '">' + esc(node.answers[a].label[boot.lang]) + "</button>"; }).join("") + "</form>";
      } else {
        answers = R.answerIds(node, o.access_type).map(function (a) {
          return '<button class="btn wide big-touch" type="button" data-answer="' + esc(a) + '">' + esc(node.answers[a].label[boot.lang]) + "</button>";
        }).join("");
      }
      body = '<section class="card runner" id="runner" data-node="' + esc(where.node) + '"><p class="muted">' + esc(where.node) + "</p><h1>" +
        esc(node.ask[boot.lang]) + "</h1>" + hint + '<div class="answers">' + answers + "</div></section>";
    }
    if (!paint(head + previous + body + nav, pass)) { return; }
    document.title = book.title[boot.lang] + " · ONTrack";
  }

  async function startRun(o, playbookId) {
    var data = await reference("playbooks");
    var run = { id: S.uuid(), order_id: o.id, playbook: playbookId, version: data.version, steps: [], started_at: new Date().toISOString() };
    await db.put("runs", run);
    openRunId = run.id;
    await render();
  }

  async function answer(step) {
    var run = await db.get("runs", openRunId);
    var data = await reference("playbooks");
    data = R.treeFor(data, run.version) || data;
    var where = R.position(data, run);
    step.node = where.node;
    var result = R.follow(data, where.node, step);
    if (result.band) { step.answer = result.band.code; }
    run.steps.push(step);
    await db.put("runs", run);
    window.scrollTo(0, 0);
    await render();
  }

  function judge(node, text) {
    var value = Number(String(text).replace(/[−–—]/g, "-").replace(/[,，]/g, ".").trim());
    if (String(text).trim() === "" || !isFinite(value)) { return { error: t("Type a number.") }; }
    if (R.checkValue(node, value)) {
      return { error: t("%(value)s %(unit)s is not a possible reading (%(min)s to %(max)s); check it.",
                        { value: value, unit: node.unit, min: node.min, max: node.max }) };
    }
    return { value: value, band: R.bandOf(node, value) };
  }

  // ---- LED photo check: photo or 3-second burst with the guide, read on the server, confirmed here ----
  async function ledRef() { return await reference("leds"); }

  function modelOf(ref, check) {
    if (check.model_id && check.model_id !== "custom") {
      return ref.models.filter(function (m) { return m.id === check.model_id; })[0] || null;
    }
    return { id: "custom", kind: check.model_kind || "ont", verified: false, name: "", vendor: "",
             leds: check.labels.map(function (l) { return { label: l, x: null, tree: L.roleTree(ref, l), colors: ref.colors }; }) };
  }

  // The photo with numbered marks where each LED is, as SVG (no inline styles under the CSP).
  function overlay(src, frame, frames, spots, states, id, key) {
    var w = 1000, h = Math.round(1000 * frame.height / frame.width);
    var marks = spots.map(function (p, i) {
      var st = states[i] || {};
      return '<g class="mark state-' + esc(st.state || "off") + (st.color ? " color-" + esc(st.color) : "") + '" data-led-chip="' +
        esc(key) + '" data-index="' + i + '">' +
        '<circle class="hit" cx="' + Math.round(p.x * w) + '" cy="' + Math.round(p.y * h) + '" r="48"></circle>' +
        '<circle cx="' + Math.round(p.x * w) + '" cy="' + Math.round(p.y * h) + '" r="22"></circle>' +
        '<text x="' + Math.round(p.x * w) + '" y="' + Math.round(p.y * h - 32) + '" text-anchor="middle">' + (i + 1) + "</text></g>";
    }).join("");
    return '<svg class="led-overlay" id="' + esc(id) + '" viewBox="0 0 ' + w + " " + h + '" role="img" aria-label="' + esc(t("LED panel photo")) + '">' +
      '<image href="' + esc(src) + '" x="0" y="0" width="' + w + '" height="' + h * (frames || 1) + '" preserveAspectRatio="none"></image>' +
      marks + "</svg>";
  }

  function chips(key, model, states, reading) {
    return '<div class="led-chips">' + states.map(function (st, i) {
      var read = reading && reading[i];
      var differs = read && read.state !== st.state;
      var unsure = read && read.confidence < 0.8;
      return '<button type="button" class="led-chip state-' + esc(st.state) + (st.color ? " color-" + esc(st.color) : "") +
        (differs ? " differs" : "") + (unsure ? " unsure" : "") + '" data-led-chip="' + esc(key) + '" data-index="' + i + '">' +
        '<b>' + (i + 1) + "</b> " + esc(st.label) + " · " + esc(LED_WORDS[st.state]) +
        (st.state !== "off" && st.color ? " · " + esc(COLOR_WORDS[st.color]) : "") +
        (differs ? '<small>' + esc(t("photo: %(state)s", { state: LED_WORDS[read.state] })) + "</small>" : "") + "</button>";
    }).join("") + "</div>";
  }

  function readingOf(check) {
    return check.reading && check.reading.leds && check.reading.leds.length ? check.reading.leds : null;
  }

  // What a check's chips show: the technician's unsent taps, else their confirmation, else the
  // reading, else every light off.
  function shownStates(check) {
    var reading = readingOf(check);
    return ledEdits[check.id] || check.confirmed || (reading ? reading.map(function (l) {
      return { label: l.label, state: l.state, color: l.color };
    }) : check.labels.map(function (l) { return { label: l, state: "off", color: null }; }));
  }

  function defaultColor(led) { return led.colors && led.colors.length ? led.colors[0] : "green"; }

  async function ledHtml(o) {
    var ref = await ledRef();
    if (!ref) { return ""; }
    ledRefCache = ref;
    var html = '<section class="card" id="leds"><h2>' + esc(t("LED photo check")) + "</h2>";
    var checks = o.led_checks || [];
    for (var c = 0; c < checks.length; c++) { html += await checkHtml(ref, checks[c]); }
    if (ledDraft && ledDraft.order_id === o.id) {
      var m = ledDraft.model;
      html += '<div class="led-draft" id="led-draft"><p>' + esc(t("Tap each light to say what you see; the photo is read when it syncs.")) + "</p>" +
        overlay(ledDraft.url, ledDraft.frame, ledDraft.frames, L.guideSpots(ref, m.leds), ledDraft.states, "led-draft-photo", "draft") +
        chips("draft", m, ledDraft.states, null) +
        '<div class="job-buttons"><button class="btn primary big-touch" type="button" data-led-save>' + esc(t("Save the LED check")) + "</button>" +
        '<button class="btn" type="button" data-led-discard>' + esc(t("Discard")) + "</button></div></div>";
    }
    var guess = L.modelFor(ref, o.ont_model);
    var options = ref.models.map(function (m) {
      return '<option value="' + esc(m.id) + '"' + (guess && guess.id === m.id ? " selected" : "") + ">" + esc(m.vendor + " " + m.name) + "</option>";
    }).join("");
    html += '<form id="led-form" class="led-form">' + (checks.length || ledDraft ? "<h3>" + esc(t("New LED check")) + "</h3>" : "") + '<label class="field"><span>' + esc(t("Device model")) + '</span><select name="model">' +
      (guess ? "" : '<option value="">' + esc(t("Choose the model")) + "</option>") + options +
      '<option value="custom">' + esc(t("Another model: name its lights")) + "</option></select></label>" +
      '<label class="field" id="led-labels-field"><span>' + esc(t("Its lights, left to right (e.g. POWER,PON,LOS,LAN1)")) + "</span>" +
      '<input name="labels" autocomplete="off" maxlength="200"></label>' +
      '<p class="muted small">' + esc(t("The catalog's light layouts are not verified against real panels: check them against the box; if they differ, choose “Another model”.")) + "</p>" +
      '<p class="error" id="led-error" role="alert" hidden></p>' +
      '<div class="job-buttons"><button class="btn big-touch" type="button" data-led-capture="photo">' + esc(t("Photo (steady lights)")) + "</button>" +
      '<button class="btn big-touch" type="button" data-led-capture="burst">' + esc(t("3-second burst (flashing lights)")) + "</button></div>" +
      '<label class="btn wide"><input type="file" name="led-photo" accept="image/*" hidden> ' + esc(t("No camera here: choose a photo")) + "</label>" +
      "</form></section>";
    return html;
  }

  async function checkHtml(ref, check) {
    var model = modelOf(ref, check);
    if (!model) { return ""; }
    var reading = readingOf(check);
    var local = await db.get("blobs", check.sha256);
    var src = local && local.blob ? URL.createObjectURL(local.blob) : "/api/blobs/" + (check.thumb_sha256 || check.sha256);
    var frames = local && local.blob && check.capture === "burst" ? check.frames : 1;
    var frame = check.frame || (check.reading && check.reading.frame) || { width: 4, height: 3 };
    var spots = reading ? reading.map(function (l) { return { x: l.x, y: l.y }; }) : L.guideSpots(ref, model.leds);
    var states = shownStates(check);
    var head = '<p class="led-head"><b>' + esc(model.vendor ? model.vendor + " " + model.name : t("Model not in the catalog")) + "</b> " +
      (model.verified ? "" : '<span class="chip warn">' + esc(t("layout unverified")) + "</span> ") +
      '<small class="muted">' + esc(check.capture === "burst" ? t("3-second burst") : t("single photo")) + " · " + esc(when(check.occurred_at || check.created_at)) + "</small>" + pendingMark(check) + "</p>";
    var status;
    if (check.reading && check.reading.quality && !check.reading.quality.ok) {
      status = '<p class="flash flash-warn led-retake">' + esc(t("Take it again")) + ": " + check.reading.quality.problems.map(function (p) {
        return esc(RETAKE_WORDS[p] || p); }).join(" ") + "</p>";
    } else if (!reading) {
      status = '<p class="muted led-waiting">' + esc(t("Waiting to sync: the photo is read by the server when it arrives. Your taps count meanwhile.")) + "</p>";
    } else {
      var differ = (check.confirmed || []).filter(function (s, i) { return reading[i] && reading[i].state !== s.state; }).length;
      var settled = check.confirmations && !ledEdits[check.id];  // confirmed after the reading came back
      status = '<p class="led-read">' + esc(settled ? (differ ? t("Confirmed: you corrected %(n)d lights the photo read otherwise.", { n: differ }) :
        t("Read from the photo and confirmed.")) :
        differ ? t("The photo reading differs from your taps on %(n)d lights: look again and confirm.", { n: differ }) :
        t("Read from the photo: check each light, tap any that is wrong, then confirm.")) + "</p>";
    }
    if (check.capture === "photo" && reading) {
      status += '<p class="muted small">' + esc(t("One photo cannot show flashing: for PON, LOS or LAN record a 3-second burst, or watch them and tap.")) + "</p>";
    }
    return '<div class="led-check" data-check="' + esc(check.id) + '">' + head + status + overlay(src, frame, frames, spots, states, "led-photo-" + check.id, check.id) +
      chips(check.id, model, states, reading) +
      '<button class="btn primary" type="button" data-led-confirm="' + esc(check.id) + '">' + esc(t("Confirm these lights")) + "</button></div>";
  }

  // What the order's latest confirmed LED check says for a tree question, if anything.
  var ledRefCache = null;
  function ledSuggestion(o, playbookId, node) {
    if (!ledRefCache) { return null; }
    var wantRouter = playbookId === "router" || /^Router/.test(node.led);
    var checks = (o.led_checks || []).slice().reverse();
    for (var i = 0; i < checks.length; i++) {
      var check = checks[i];
      if ((check.model_kind === "router") !== wantRouter || !check.confirmed) { continue; }
      var answers = L.treeAnswers(L.confirmedLeds(check, modelOf(ledRefCache, check)), check.model_kind);
      if (node.led in answers) { return answers[node.led]; }
    }
    return null;
  }

  function chosenModel(ref, form) {
    var id = form.elements.model.value;
    if (!id) { return { error: t("Choose the device model first.") }; }
    if (id !== "custom") { return { model: ref.models.filter(function (m) { return m.id === id; })[0] }; }
    var labels = L.parseLabels(form.elements.labels.value);
    if (!labels) { return { error: t("Name the lights left to right, separated by commas (at most 16).") }; }
    return { model: { id: "custom", kind: "ont", verified: false, vendor: "", name: "", labels: labels,
                      leds: labels.map(function (l) { return { label: l, x: null, tree: L.roleTree(ref, l), colors: ref.colors }; }) } };
  }

  function ledError(text) {
    var box = document.getElementById("led-error");
    if (box) { box.textContent = text; box.hidden = !text; }
  }

  async function openCamera(capture) {
    var ref = await ledRef();
    var form = document.getElementById("led-form");
    var chosen = chosenModel(ref, form);
    if (chosen.error) { ledError(chosen.error); return; }
    ledError("");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      ledError(t("This browser cannot open the camera here: choose a photo instead."));
      return;
    }
    var stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: {
        facingMode: { ideal: "environment" }, width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 30, min: 10 } } });
    } catch (err) {
      ledError(t("The camera could not be opened (%(why)s): allow the camera, or choose a photo instead.", { why: err.name || "error" }));
      return;
    }
    var view = document.createElement("div");
    view.id = "led-camera";
    view.className = "camera";
    view.innerHTML = '<div class="camera-frame"><video playsinline muted autoplay></video><svg class="guide" preserveAspectRatio="xMidYMid meet"></svg></div>' +
      '<p class="camera-hint">' + esc(capture === "burst" ? t("Put the first light on the left mark and the last on the right mark, then hold still for 3 seconds.")
        : t("Put the first light on the left mark and the last on the right mark.")) + "</p>" +
      '<p class="camera-count" id="camera-count" aria-live="polite"></p>' +
      '<div class="camera-buttons"><button class="btn primary big-touch" type="button" data-cam-shoot>' +
      esc(capture === "burst" ? t("Record 3 seconds") : t("Take the photo")) + '</button><button class="btn big-touch" type="button" data-cam-cancel>' +
      esc(t("Cancel")) + "</button></div>";
    document.body.appendChild(view);
    var video = view.querySelector("video");
    video.srcObject = stream;
    camera = { stream: stream, capture: capture, order_id: currentOrderId(), model: chosen.model, view: view, video: video, ref: ref };
    video.addEventListener("loadedmetadata", function () { drawGuide(camera); });
  }

  function drawGuide(cam) {
    var w = cam.video.videoWidth, h = cam.video.videoHeight;
    var svg = cam.view.querySelector("svg.guide");
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    var g = cam.ref.guide, y = h / 2, left = g.left * w, right = g.right * w, r = Math.max(6, 0.012 * w);
    var spots = L.guideSpots(cam.ref, cam.model.leds);
    svg.innerHTML = (cam.capture === "burst" ? '<rect class="band" x="0" y="' + (y - g.band * w) + '" width="' + w + '" height="' + (2 * g.band * w) + '"></rect>' : "") +
      '<line x1="' + left + '" y1="' + y + '" x2="' + right + '" y2="' + y + '"></line>' +
      '<line class="end" x1="' + left + '" y1="' + (y - 4 * r) + '" x2="' + left + '" y2="' + (y + 4 * r) + '"></line>' +
      '<line class="end" x1="' + right + '" y1="' + (y - 4 * r) + '" x2="' + right + '" y2="' + (y + 4 * r) + '"></line>' +
      (cam.model.id === "custom" ? "" : spots.map(function (p) { return '<circle cx="' + p.x * w + '" cy="' + p.y * h + '" r="' + r + '"></circle>'; }).join(""));
  }

  function closeCamera() {
    if (!camera) { return; }
    camera.stream.getTracks().forEach(function (track) { track.stop(); });
    camera.view.remove();
    camera = null;
  }

  function toJpeg(canvas, quality) {
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (b) { return b ? resolve(b) : reject(new Error("encode")); }, "image/jpeg", quality);
    });
  }

  async function shoot() {
    var cam = camera, video = cam.video;
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) { return; }
    cam.view.querySelector("[data-cam-shoot]").disabled = true;
    var draft = { order_id: cam.order_id, model: cam.model, capture: cam.capture, frames: 1 };
    if (cam.capture === "photo") {
      var scale = Math.min(1, MAX_PHOTO_EDGE / Math.max(w, h));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      draft.blob = await toJpeg(canvas, 0.9);
      draft.frame = { width: canvas.width, height: canvas.height };
    } else {
      // Only the guide's band is kept, 800 pixels wide: a few dozen kilobytes a frame.
      var band = cam.ref.guide.band, fw = 800, fh = Math.round(fw * 2 * band);
      var top = Math.max(0, Math.round(h / 2 - band * w)), cropH = Math.min(h, Math.round(2 * band * w));
      var frames = [], started = performance.now(), counter = document.getElementById("camera-count");
      while ((performance.now() - started < 3200 || frames.length < cam.ref.min_burst_frames * 3) && frames.length < cam.ref.max_frames) {
        var c = document.createElement("canvas");
        c.width = fw;
        c.height = fh;
        c.getContext("2d").drawImage(video, 0, top, w, cropH, 0, 0, fw, fh);
        frames.push(c);
        counter.textContent = t("%(n)d frames", { n: frames.length });
        await new Promise(function (resolve) { setTimeout(resolve, 80); });  // about 12 frames a second
      }
      var sheet = document.createElement("canvas");
      sheet.width = fw;
      sheet.height = fh * frames.length;
      var ctx = sheet.getContext("2d");
      frames.forEach(function (f, i) { ctx.drawImage(f, 0, i * fh); });
      draft.blob = await toJpeg(sheet, 0.85);
      draft.frames = frames.length;
      draft.seconds = Math.round((performance.now() - started) / 100) / 10;
      draft.frame = { width: fw, height: fh };
    }
    closeCamera();
    startDraft(draft);
  }

  function startDraft(draft) {
    draft.url = URL.createObjectURL(draft.blob);
    draft.states = draft.model.leds.map(function (led) { return { label: led.label, state: "off", color: null }; });
    ledDraft = draft;
    render().then(function () {
      var box = document.getElementById("led-draft");
      if (box) { box.scrollIntoView(); }
    });
  }

  async function saveDraft() {
    var draft = ledDraft;
    var order = await S.orderView(db, draft.order_id);
    var sha = await sha256(draft.blob);
    var args = { order_id: order.id, check_id: S.uuid(), capture: draft.capture, sha256: sha, frames: draft.frames,
                 tapped: draft.states, frame: draft.frame, model_kind: draft.model.kind };
    if (draft.model.id === "custom") { args.labels = draft.model.labels.join(","); } else { args.model_id = draft.model.id; }
    if (draft.seconds) { args.seconds = draft.seconds; }
    URL.revokeObjectURL(draft.url);
    ledDraft = null;
    await queue(order, "order.led_check", args, { sha256: sha, blob: draft.blob, type: "image/jpeg" });
  }

  async function tapChip(button) {
    var key = button.dataset.ledChip, index = Number(button.dataset.index);
    var ref = await ledRef();
    var states, model;
    if (key === "draft") {
      states = ledDraft.states;
      model = ledDraft.model;
    } else {
      var order = await S.orderView(db, currentOrderId());
      var check = (order.led_checks || []).filter(function (c) { return c.id === key; })[0];
      if (!check) { return; }
      model = modelOf(ref, check);
      states = ledEdits[key] = JSON.parse(JSON.stringify(shownStates(check)));
    }
    var st = states[index];
    st.state = L.nextState(st.state);
    st.color = st.state === "off" ? null : (st.color || defaultColor(model.leds[index]));
    lastInput = Date.now();
    await render();
  }

  async function confirmCheck(checkId) {
    var order = await S.orderView(db, currentOrderId());
    var check = (order.led_checks || []).filter(function (c) { return c.id === checkId; })[0];
    if (!check) { return; }
    if (!ledEdits[checkId] && !check.confirmed && !readingOf(check)) { return; }
    var states = shownStates(check);
    delete ledEdits[checkId];
    await queue(order, "order.led_confirm", { order_id: order.id, confirm_id: S.uuid(), check_id: checkId, states: states });
  }

  // ---- Wi-Fi survey: typed in (offline) or a scan file (online); saved on the order ----
  function analysisHtml(ref, analysis, id) {
    var recs = ["2.4", "5"].map(function (band) {
      var r = analysis.recommendation[band];
      return r ? '<li class="wifi-rec"><b>' + band + " GHz → " + esc(t("channel %(n)s", { n: r.channel })) + " (" + r.width_mhz + " MHz)</b> " + esc(r.reason) + "</li>" : "";
    }).join("");
    var findings = analysis.findings.map(function (f) { return '<li class="finding ' + esc(f.severity) + '">' + esc(f.message) + "</li>"; }).join("");
    var charts = ["2.4", "5"].map(function (band) {
      return analysis.networks.some(function (n) { return n.band === band; }) || analysis.recommendation[band] ?
        "<figure><figcaption>" + band + " GHz</figcaption>" + WF.chart(ref, analysis, band, boot.lang) + "</figure>" : "";
    }).join("");
    var rows = analysis.networks.map(function (n) {
      return "<tr" + (analysis.own_ssid && n.ssid === analysis.own_ssid ? ' class="own"' : "") + "><td>" + esc(n.ssid || t("(hidden)")) + "</td><td>" + esc(n.band) + "</td><td>" + esc(n.channel) +
        "</td><td>" + esc(n.width_mhz) + "</td><td>" + esc(n.signal_dbm) + "</td></tr>";
    }).join("");
    return '<div class="wifi-analysis" id="' + id + '"><ul class="wifi-recs">' + recs + '</ul><div class="wifi-charts">' + charts + "</div>" +
      '<ul class="findings">' + findings + "</ul><details><summary>" + esc(t("%(n)d networks", { n: analysis.networks.length })) + "</summary>" +
      '<table class="wifi-table"><thead><tr><th>SSID</th><th>GHz</th><th>' + esc(t("Channel")) + "</th><th>MHz</th><th>dBm</th></tr></thead><tbody>" + rows + "</tbody></table></details></div>";
  }

  async function wifiHtml(o) {
    var ref = await reference("wifi");
    if (!ref || !WF) { return ""; }
    var html = '<section class="card" id="wifi"><h2>' + esc(t("Wi-Fi channel")) + "</h2>";
    var saved = (o.surveys || []).slice(-1)[0];
    if (saved) {
      html += '<p class="muted small">' + esc(t("Saved on the order")) + " · " + esc(when(saved.occurred_at || saved.created_at)) + pendingMark(saved) + "</p>" +
        analysisHtml(ref, saved.recommendation ? saved : WF.analyze(ref, saved.networks, saved.country || "CN", saved.own_ssid, boot.lang), "wifi-saved");
    }
    var preview = wifiPreview && wifiPreview.order_id === o.id ? wifiPreview : null;
    html += '<details class="wifi-new"' + (preview ? " open" : "") + "><summary>" + esc(saved ? t("New Wi-Fi survey") : t("Check the Wi-Fi channel")) + "</summary>" +
      '<form id="wifi-typed"><p class="muted small">' + esc(t("Type what the phone's Wi-Fi analyser shows; works offline.")) + "</p>" +
      '<table class="wifi-entry"><thead><tr><th>SSID</th><th>' + esc(t("Channel")) + "</th><th>dBm</th></tr></thead><tbody>" +
      [0, 1, 2].map(function () { return entryRow(); }).join("") + "</tbody></table>" +
      '<button class="btn" type="button" data-wifi-add-row>＋ ' + esc(t("Another network")) + "</button>" +
      '<label class="field"><span>' + esc(t("The customer's network (SSID)")) + '</span><input name="own_ssid" maxlength="64"></label>' +
      '<p class="error" id="wifi-error" hidden></p><button class="btn primary wide" type="submit">' + esc(t("Analyse")) + "</button></form>" +
      '<form id="wifi-file"><label class="field"><span>' + esc(t("Or a scan file (iw, nmcli, netsh, WiGLE …), when online")) + '</span>' +
      '<input type="file" name="scan"></label></form>';
    if (preview) {
      html += '<div id="wifi-preview">' + analysisHtml(ref, preview.analysis, "wifi-preview-analysis") +
        '<button class="btn primary wide" type="button" data-wifi-save>' + esc(t("Save on the order")) + "</button></div>";
    }
    return html + "</details></section>";
  }

  function entryRow() {
    return '<tr><td><input name="ssid" maxlength="64"></td><td><input name="channel" inputmode="numeric" size="3"></td>' +
      '<td><input name="signal" inputmode="numeric" size="4" placeholder="-60"></td></tr>';
  }

  async function analyseTyped(form, order) {
    var ref = await reference("wifi");
    var error = document.getElementById("wifi-error");
    var allowed = WF.domain(ref, "CN");
    var networks = [], problems = [];
    form.querySelectorAll("tbody tr").forEach(function (row, i) {
      var ssid = row.querySelector("[name=ssid]").value.trim();
      var ch = row.querySelector("[name=channel]").value.trim();
      var sig = row.querySelector("[name=signal]").value.replace(/[−–]/g, "-").trim();
      if (!ssid && !ch && !sig) { return; }
      var channel = Number(ch), signal = Number(sig);
      if (!Number.isInteger(channel) || (allowed["2.4"].indexOf(channel) < 0 && allowed["5"].indexOf(channel) < 0)) {
        problems.push(t("Row %(n)d: %(ch)s is not a Wi-Fi channel here.", { n: i + 1, ch: ch || "—" }));
      } else if (!isFinite(signal) || sig === "" || signal > 0 || signal < -100) {
        problems.push(t("Row %(n)d: the signal must be between -100 and 0 dBm.", { n: i + 1 }));
      } else {
        networks.push(WF.typed(ssid, channel, signal, 20));
      }
    });
    if (!networks.length && !problems.length) { problems.push(t("Type at least one network.")); }
    if (problems.length) { error.textContent = problems.join(" "); error.hidden = false; return; }
    var own = form.elements.own_ssid.value.trim();
    wifiPreview = { order_id: order.id, source: "typed", format: "typed", analysis: WF.analyze(ref, networks, "CN", own, boot.lang) };
    await render();
    document.getElementById("wifi-preview").scrollIntoView();
  }

  async function analyseFile(input, order) {
    var body = new FormData();
    body.append("scan", input.files[0]);
    var own = document.querySelector("#wifi-typed [name=own_ssid]");
    body.append("own_ssid", own ? own.value.trim() : "");
    var error = document.getElementById("wifi-error");
    try {
      var who = await (await fetch("/api/session", { credentials: "same-origin" })).json();
      var response = await fetch("/api/wifi/analyze", { method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": who.csrf_token } });
      var result = await response.json();
      if (!response.ok) { throw new Error(result.error || String(response.status)); }
      wifiPreview = { order_id: order.id, source: "file", format: result.format, analysis: result };
      await render();
      document.getElementById("wifi-preview").scrollIntoView();
    } catch (err) {
      error.textContent = err instanceof TypeError ? t("A scan file needs a connection; type the networks in instead.") : err.message;
      error.hidden = false;
    }
  }

  async function saveWifi(order) {
    var a = wifiPreview.analysis;
    var args = { order_id: order.id, survey_id: S.uuid(), source: wifiPreview.source, format: wifiPreview.format,
                 networks: a.networks, own_ssid: a.own_ssid || "", country: a.country };
    wifiPreview = null;
    await queue(order, "order.wifi_survey", args);
  }

  // ---- customer sign-off: the visit summary, the survey, the signature, all offline ----
  var ATTITUDES = [["satisfied", t("satisfied")], ["average", t("average")], ["dissatisfied", t("dissatisfied")]];

  // What the report says about the visit; the server builds the same for the customer's own phone.
  function visitSummary(o, data) {
    var closure = o.closure || {};
    var runs = o.runs || [];
    var measurements = [];
    runs.forEach(function (r) {
      if (!data) { return; }
      R.describe(R.treeFor(data, r.playbook_version) || data, r.steps, "zh", { off: "灭", on: "常亮", blinking: "闪烁" }).forEach(function (l) {
        if (l.kind === "measure") { measurements.push({ what: l.question, value: l.answer }); }
      });
    });
    var last = runs[runs.length - 1];
    var followed = last && data ? R.treeFor(data, last.playbook_version) : null;
    var conclusion = followed && followed.outcomes[last.outcome] ? followed.outcomes[last.outcome].text.zh : "";
    return {
      found: closure.cause || closure.phenomenon || conclusion || o.description || "",
      done: closure.process || conclusion || "",
      measurements: measurements,
      photos: o.attachments.filter(function (a) { return a.kind === "photo"; }).map(function (a) { return a.sha256; })
    };
  }

  function radios(name, options) {
    return options.map(function (o) {
      return '<label class="choice"><input type="radio" name="' + name + '" value="' + esc(o[0]) + '" required> ' + esc(o[1]) + "</label>";
    }).join("");
  }

  async function signoffHtml(o, data) {
    if (["restored", "returned"].indexOf(o.state) < 0) { return ""; }
    var s = visitSummary(o, data);
    var enterprise = o.access_type === "enterprise";
    var done = (o.signoffs || []).map(function (x) {
      return '<p class="signed">' + esc(t("Signed by %(name)s", { name: x.signer_name })) + (x.version ? " · v" + x.version : "") +
        ' · <code class="small">' + esc(x.report_hash.slice(0, 16)) + "…</code>" + pendingMark(x) +
        (x.report_path ? ' · <a href="' + esc(x.report_path) + '">' + esc(t("Report")) + "</a>" : "") + "</p>";
    }).join("");
    var summary = '<dl class="details">' +
      (s.found ? "<dt>" + esc(t("What was found")) + "</dt><dd>" + esc(s.found) + "</dd>" : "") +
      (s.done ? "<dt>" + esc(t("What was done")) + "</dt><dd>" + esc(s.done) + "</dd>" : "") +
      s.measurements.map(function (m) { return "<dt>" + esc(m.what) + "</dt><dd>" + esc(m.value) + "</dd>"; }).join("") +
      (s.photos.length ? "<dt>" + esc(t("Photos")) + "</dt><dd>" + s.photos.length + "</dd>" : "") + "</dl>";
    var form = '<form id="signoff-form">' + summary +
      '<fieldset class="survey"><legend>' + esc(t("Was the problem solved?")) + "</legend>" + radios("solved", [["yes", t("yes")], ["no", t("no")]]) + "</fieldset>" +
      '<fieldset class="survey"><legend>' + esc(t("How was the technician's attitude?")) + "</legend>" + radios("attitude", ATTITUDES) + "</fieldset>" +
      '<fieldset class="survey"><legend>' + esc(t("Were you charged?")) + "</legend>" + radios("charged", [["yes", t("yes")], ["no", t("no")]]) + "</fieldset>" +
      '<fieldset class="survey score"><legend>' + esc(t("Your score for our service (1–10)")) + "</legend>" +
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(function (n) {
        return '<label class="score-choice"><input type="radio" name="score" value="' + n + '" required><span>' + n + "</span></label>"; }).join("") + "</fieldset>" +
      '<label class="field"><span>' + esc(t("Suggestions or opinions")) + '</span><textarea name="suggestions" rows="2" maxlength="500"></textarea></label>' +
      '<label class="field"><span>' + esc(t("Name of the person signing")) + ' *</span><input name="signer_name" maxlength="40" required value="' +
      esc(o.contact_name || o.customer_name) + '"></label>' +
      (enterprise ? '<label class="field"><span>' + esc(t("Signing as")) + "</span>" + select("signer_role", [["customer", t("customer")], ["account_manager", t("account manager")]]) + "</label>" +
        '<label class="field"><span>' + esc(t("End-to-end test indicators, one per line (name: value)")) + ' *</span><textarea name="indicators" rows="3" required placeholder="丢包率: 0%"></textarea></label>' : "") +
      '<p class="muted small">' + esc(t("The customer signs in the box.")) + '</p><canvas class="signature" id="pad-customer"></canvas>' +
      '<p><button class="btn" type="button" data-clear-pad="pad-customer">' + esc(t("Clear the signature")) + "</button></p>" +
      (enterprise ? '<p class="muted small">' + esc(t("The tester signs the test report.")) + '</p><canvas class="signature" id="pad-tester"></canvas>' +
        '<p><button class="btn" type="button" data-clear-pad="pad-tester">' + esc(t("Clear the signature")) + "</button></p>" : "") +
      '<p class="muted small">' + esc(t("The customer may also receive a callback or an SMS survey about this visit.")) + "</p>" +
      '<p class="error" id="signoff-error" hidden></p><button class="btn primary wide" type="submit">' + esc(t("Sign and save")) + "</button></form>";
    return '<section class="card" id="signoff"><h2>' + esc(t("Customer sign-off")) + "</h2>" + done +
      '<details class="signoff-new"' + (done ? "" : " open") + "><summary>" + esc(done ? t("Sign again") : t("Sign on this phone")) + "</summary>" + form + "</details>" +
      '<details class="signoff-link"><summary>' + esc(t("Or on the customer's own phone")) + '</summary><button class="btn wide" type="button" data-signoff-link>' +
      esc(t("Show a QR code for the customer")) + '</button><div id="signoff-qr" class="qr"></div></details></section>';
  }

  function initPads() {
    Object.keys(pads).forEach(function (id) { if (pads[id].ontrackStop) { pads[id].ontrackStop(); } });
    pads = {};
    if (!window.SignaturePad || !window.ONTrackSignature) { return; }
    document.querySelectorAll("canvas.signature").forEach(function (canvas) {
      var pad = window.ONTrackSignature.createPad(canvas);  // offline/signature.js: re-fits on every resize/turn
      pad.addEventListener("beginStroke", function () { typing = true; lastInput = Date.now(); });
      pads[canvas.id] = pad;
    });
  }

  function canonical(value) {
    if (Array.isArray(value)) { return "[" + value.map(canonical).join(",") + "]"; }
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) { return JSON.stringify(k) + ":" + canonical(value[k]); }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function padBlob(pad) {
    return new Promise(function (resolve) {
      pad.canvas.toBlob(function (b) { resolve(b); }, "image/png");
    });
  }

  async function submitSignoff(form, order) {
    var error = document.getElementById("signoff-error");
    function fail(text) { error.textContent = text; error.hidden = false; }
    var f = formFields(form);
    if (!f.solved || !f.attitude || !f.charged || !f.score) { return fail(t("Answer every question: solved, attitude, charged and a score from 1 to 10.")); }
    var customerPad = pads["pad-customer"], testerPad = pads["pad-tester"];
    if (!window.ONTrackSignature.hasInk(customerPad)) { return fail(t("The customer has not signed yet.")); }
    var enterprise = order.access_type === "enterprise";
    if (enterprise && !window.ONTrackSignature.hasInk(testerPad)) { return fail(t("The tester has not signed yet.")); }
    var survey = { solved: f.solved === "yes", attitude: f.attitude, charged: f.charged === "yes", score: Number(f.score),
                   suggestions: (f.suggestions || "").trim() };
    var blob = await padBlob(customerPad), sha = await sha256(blob);
    var blobs = [{ sha256: sha, blob: blob, type: "image/png" }];
    var stored = await db.get("orders", order.id);
    var data = await reference("playbooks");
    var report = Object.assign({ operator: boot.operator, order_no: order.order_no, order_version: stored.version,
      customer: order.customer_name, address: order.address, technician: boot.user.name }, visitSummary(order, data), {
      signer: f.signer_name.trim(), signer_role: f.signer_role || "customer", survey: survey, signature_sha256: sha,
      signed_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") });
    var args = { order_id: order.id, signoff_id: S.uuid(), signer_name: report.signer, survey: survey, signature_sha256: sha };
    if (enterprise) {
      var tblob = await padBlob(testerPad), tsha = await sha256(tblob);
      blobs.push({ sha256: tsha, blob: tblob, type: "image/png" });
      report.test_report = { tester: boot.user.name, tester_signature_sha256: tsha,
        indicators: (f.indicators || "").split(/\n/).map(function (line) {
          var cut = line.split(/[:：]/);
          return { name: cut[0].trim(), value: cut.slice(1).join(":").trim() };
        }).filter(function (i) { return i.name; }) };
      args.tester_signature_sha256 = tsha;
    }
    args.report = report;
    args.report_hash = await sha256(new Blob([canonical(report)]));
    await S.enqueue(db, { name: "order.sign_off", args: args, order_id: order.id, base_version: stored.version, blobs: blobs });
    await render();
    requestSync();
    var section = document.getElementById("signoff");
    if (section) { section.scrollIntoView(); }
  }

  async function showSignoffLink(order) {
    var box = document.getElementById("signoff-qr");
    try {
      var who = await (await fetch("/api/session", { credentials: "same-origin", cache: "no-store" })).json();
      var response = await fetch("/api/signoff-links", { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": who.csrf_token }, body: JSON.stringify({ order_id: order.id }) });
      var body = await response.json();
      if (!response.ok) { throw new Error(body.error || String(response.status)); }
      box.innerHTML = body.qr_svg + '<p class="small"><a id="signoff-url" href="' + esc(body.url) + '">' + esc(body.url) + "</a></p>" +
        '<p class="muted small">' + esc(t("Valid until %(time)s, once.", { time: when(body.expires_at) })) + "</p>";
    } catch (err) {
      box.innerHTML = '<p class="error">' + esc(err instanceof TypeError ? t("The customer's phone needs a connection; sign on this phone instead.") : err.message) + "</p>";
    }
  }

  function currentOrderId() {
    var m = location.pathname.match(/^\/jobs\/(\d+)$/);
    return m ? Number(m[1]) : null;
  }

  async function render(afterSync) {
    var pass = { background: !!afterSync, started: Date.now() };
    if (!pass.background) { typing = false; }
    var id = currentOrderId();
    var y = window.scrollY;
    if (id) { await renderJob(id, pass); } else { await renderList(pass); }
    window.scrollTo(0, y);
    await renderStatus();
  }

  async function renderStatus() {
    var waiting = (await S.waiting(db)).length;
    var attention = (await db.getAll("attention")).length;
    var last = await S.getMeta(db, "last_sync");
    var problem = await S.getMeta(db, "problem");
    var bits = [];
    bits.push('<span id="sync-waiting" data-count="' + waiting + '">' + esc(waiting ? t("%(n)d changes waiting", { n: waiting }) : t("Everything is synced")) + "</span>");
    bits.push('<span id="sync-last">' + esc(last ? t("Last sync %(time)s", { time: when(last) }) : t("Never synced")) + "</span>");
    if (attention) { bits.push('<a href="/jobs/#attention" data-nav class="attention-link">' + esc(t("%(n)d need attention", { n: attention })) + "</a>"); }
    if (problem && problem.code) {
      var words = {
        offline: t("No connection: changes are kept on this phone."),
        login: t("Log in again to send your changes."),
        "other-user": t("Someone else is logged in: this person's changes stay on the phone."),
        device: t("This phone is registered to another person."),
      }[problem.code] || t("Sync failed; it will be retried.");
      bits.push('<span id="sync-problem" class="problem">' + esc(words) + (problem.code === "login" ?
        ' <a href="/login?next=' + encodeURIComponent(location.pathname) + '">' + esc(t("Log in")) + "</a>" : "") + "</span>");
    }
    var others = await othersWaiting();
    if (others) { bits.push('<span class="muted">' + esc(t("%(n)d changes of another person are kept on this phone until they log in.", { n: others })) + "</span>"); }
    statusBar.innerHTML = bits.join(" · ") + ' <button class="btn small" type="button" id="sync-now"' + (syncing ? " disabled" : "") + ">" +
      esc(syncing ? t("Syncing…") : t("Sync now")) + "</button>";
    statusBar.className = "sync-status" + (waiting ? " waiting" : "") + (problem && problem.code ? " trouble" : "");
  }

  var othersCache = null;
  async function othersWaiting() {
    if (othersCache !== null) { return othersCache; }
    othersCache = 0;
    if (!indexedDB.databases) { return 0; }
    var list = await indexedDB.databases();
    for (var i = 0; i < list.length; i++) {
      var name = list[i].name || "";
      if (name.indexOf("ontrack-u") !== 0 || name === S.dbName(userId)) { continue; }
      var other = await S.open(name.slice("ontrack-u".length));
      othersCache += (await S.waiting(other)).length;
      other.close();
    }
    return othersCache;
  }

  // ---- sync triggers: start, online, back to the app, a timer with backoff, Background Sync, the button ----
  async function requestSync() {
    if (syncing) { again = true; return; }
    syncing = true;
    await renderStatus();
    var result;
    try { result = await Y.run(db, userId); } finally { syncing = false; }
    failures = result && result.ok === false && !result.busy ? failures + 1 : 0;
    if (result && result.ok && !typing) { await render(true); } else { await renderStatus(); }
    if (again) { again = false; requestSync(); return; }
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    var delay = Math.min(30000 * Math.pow(2, failures), 5 * 60000);
    timer = setTimeout(requestSync, delay);
  }

  // ---- what the technician does ----
  function formFields(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) { fields[name] = value; });
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) { fields[box.name] = box.checked; });
    return fields;
  }

  app.addEventListener("submit", async function (event) {
    var form = event.target;
    var id = currentOrderId();
    if (!id) { return; }
    event.preventDefault();
    var typed = form.id === "measure-form" ? form.elements.value.value : null;  // what was sent, before any wait
    var order = await S.orderView(db, id);
    if (form.id === "measure-form" || form.id === "checklist-form" || form.id === "conclude-form") {
      await runnerSubmit(form, order, event.submitter, typed);
      return;
    }
    if (form.id === "wifi-typed") { await analyseTyped(form, order); return; }
    if (form.id === "signoff-form") { await submitSignoff(form, order); return; }
    if (form.dataset.form) {
      var fields = formFields(form);
      var reason = fields.reason || "";
      delete fields.reason;
      var args = { order_id: id, to: form.dataset.to, action: form.dataset.form };
      if (reason) { args.reason = reason.trim(); }
      if (Object.keys(fields).length) { args.fields = fields; }
      if (form.dataset.form === "make_appointment" && fields.appointment_end <= fields.appointment_start) {
        var error = form.querySelector(".error") || form.insertBefore(document.createElement("p"), form.lastElementChild);
        error.className = "error";
        error.setAttribute("role", "alert");
        error.textContent = t("The appointment must end after it starts.");
        return;
      }
      await queue(order, "order.transition", args);
    } else if (form.id === "note-form") {
      var text = form.elements.text.value.trim();
      if (!text) { return; }
      await queue(order, "order.add_note", { order_id: id, note_id: S.uuid(), text: text });
    }
  });

  async function runnerSubmit(form, order, submitter, typed) {
    var data = await reference("playbooks");
    var run = await db.get("runs", openRunId);
    if (!run || !data) { return; }
    data = R.treeFor(data, run.version) || data;
    if (form.id === "measure-form") {
      var node = data.nodes[R.position(data, run).node];
      var judged = judge(node, typed);
      if (judged.error) {
        if (form.elements.value.value === typed) { showBand(judged); }  // unless it has been retyped meanwhile
        return;
      }
      await answer({ value: judged.value });
    } else if (form.id === "checklist-form") {
      var ticked = Array.prototype.filter.call(form.elements.item.length ? form.elements.item : [form.elements.item],
        function (box) { return box.checked; }).map(function (box) { return box.value; });
      await answer({ answer: submitter ? submitter.value : "done", checked: ticked });
    } else {
      var outcome = R.position(data, run).outcome;
      var note = form.elements.note.value.trim();
      if (data.outcomes[outcome].gap && !note) { form.reportValidity(); return; }
      var args = { order_id: order.id, run_id: run.id, playbook: run.playbook, version: run.version, steps: run.steps,
                   outcome: outcome, note: note };
      await db.delete("runs", run.id);
      openRunId = null;
      await queue(order, "order.record_run", args);
      var section = document.getElementById("diagnosis");
      if (section) { section.scrollIntoView(); }
    }
  }

  function showBand(judged) {
    var out = document.getElementById("band");
    if (!out) { return; }
    out.textContent = judged.error || judged.band.label[boot.lang];
    out.className = "band " + (judged.error ? "error" : "band-" + judged.band.code);
  }

  app.addEventListener("input", async function (event) {
    if (event.target.form && event.target.form.id === "measure-form" && openRunId) {
      var data = await reference("playbooks");
      var run = await db.get("runs", openRunId);
      data = R.treeFor(data, run.version) || data;
      var judged = judge(data.nodes[R.position(data, run).node], event.target.value);
      showBand(judged.error && event.target.value.trim() === "" ? { error: "" } : judged);
    }
  });

  app.addEventListener("change", async function (event) {
    if (event.target.name === "scan" && event.target.files.length) {
      await analyseFile(event.target, await S.orderView(db, currentOrderId()));
      return;
    }
    if (event.target.name === "led-photo" && event.target.files.length) {
      var ref = await ledRef();
      var chosen = chosenModel(ref, event.target.form);
      if (chosen.error) { ledError(chosen.error); return; }
      try {
        var picked = await shrink(event.target.files[0]);
        var bitmap = await createImageBitmap(picked);
        startDraft({ order_id: currentOrderId(), model: chosen.model, capture: "photo", frames: 1, blob: picked,
                     frame: { width: bitmap.width, height: bitmap.height } });
        bitmap.close();
      } catch (err) {
        ledError(t("This file is not a photo the phone can read."));
      }
      return;
    }
    if (event.target.name !== "photo" || !event.target.files.length) { return; }
    var form = event.target.form;
    var error = document.getElementById("photo-error");
    try {
      var blob = await shrink(event.target.files[0]);
      var sha = await sha256(blob);
      var order = await S.orderView(db, currentOrderId());
      await queue(order, "order.attach_photo", { order_id: order.id, photo_id: S.uuid(), sha256: sha, kind: "photo",
        caption: form.elements.caption.value.trim() }, { sha256: sha, blob: blob, type: blob.type });
    } catch (err) {
      error.textContent = t("This file is not a photo the phone can read.");
      error.hidden = false;
    }
  });

  // Downscale on the phone: a 12-megapixel photo becomes a few hundred kilobytes before it is queued.
  async function shrink(file) {
    var bitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (err) {  // HEIC/AVIF this browser cannot decode: the server converts them (webapp/images.py)
      if (["image/heic", "image/heif", "image/avif"].indexOf(file.type) >= 0) { return file; }
      throw err;
    }
    var scale = Math.min(1, MAX_PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (b) { return b ? resolve(b) : reject(new Error("encode")); }, "image/jpeg", 0.85);
    });
  }

  async function sha256(blob) {
    var digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
    return Array.prototype.map.call(new Uint8Array(digest), function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  document.addEventListener("click", async function (event) {
    var link = event.target.closest("a[data-nav]");
    if (link) {
      event.preventDefault();
      openRunId = null;
      history.pushState(null, "", link.getAttribute("href"));
      window.scrollTo(0, 0);
      await render();
      if (link.hash) { var target = document.querySelector(link.hash); if (target) { target.scrollIntoView(); } }
      return;
    }
    var capture = event.target.closest("[data-led-capture]");
    if (capture) { await openCamera(capture.dataset.ledCapture); return; }
    if (event.target.closest("[data-cam-shoot]") && camera) { await shoot(); return; }
    if (event.target.closest("[data-cam-cancel]")) { closeCamera(); return; }
    var chip = event.target.closest("[data-led-chip]");
    if (chip) { await tapChip(chip); return; }
    if (event.target.closest("[data-led-save]") && ledDraft) { await saveDraft(); return; }
    if (event.target.closest("[data-led-discard]")) { ledDraft = null; await render(); return; }
    var confirmer = event.target.closest("[data-led-confirm]");
    if (confirmer) { await confirmCheck(confirmer.dataset.ledConfirm); return; }
    var clear = event.target.closest("[data-clear-pad]");
    if (clear && pads[clear.dataset.clearPad]) { pads[clear.dataset.clearPad].clear(); return; }
    if (event.target.closest("[data-signoff-link]")) { await showSignoffLink(await S.orderView(db, currentOrderId())); return; }
    if (event.target.closest("[data-wifi-add-row]")) {
      document.querySelector("#wifi-typed tbody").insertAdjacentHTML("beforeend", entryRow());
      return;
    }
    if (event.target.closest("[data-wifi-save]") && wifiPreview) { await saveWifi(await S.orderView(db, currentOrderId())); return; }
    var starter = event.target.closest("[data-start-run]");
    if (starter) { await startRun(await S.orderView(db, currentOrderId()), starter.dataset.startRun); return; }
    var resume = event.target.closest("[data-resume-run]");
    if (resume) { openRunId = resume.dataset.resumeRun; window.scrollTo(0, 0); await render(); return; }
    var choice = event.target.closest("[data-answer]");
    if (choice && openRunId) { await answer({ answer: choice.dataset.answer }); return; }
    if (event.target.closest("[data-run-back]") && openRunId) {
      var run = await db.get("runs", openRunId);
      run.steps.pop();
      await db.put("runs", run);
      await render();
      return;
    }
    if (event.target.closest("[data-run-pause]")) { openRunId = null; await render(); return; }
    var dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) { await db.delete("attention", Number(dismiss.dataset.dismiss)); await render(); return; }
    if (event.target.id === "sync-now") { requestSync(); }
  });

  app.addEventListener("input", function () { typing = true; lastInput = Date.now(); });
  window.addEventListener("popstate", render);
  window.addEventListener("online", requestSync);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") { requestSync(); } });

  // Logging out keeps the queue on the phone (it is sent when this person logs in again); the
  // cached page with their name goes.
  document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
    form.addEventListener("submit", function () {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "forget-shell" });
      }
    });
  });

  // The first visit came before the service worker: keep this page as the offline shell now.
  async function keepShell() {
    var cache = await caches.open("ontrack-shell");
    if (await cache.match("/jobs/")) { return; }
    var response = await fetch("/jobs/", { credentials: "same-origin", cache: "no-store" });
    if (response.ok && response.headers.get("X-ONTrack-Shell")) { await cache.put("/jobs/", response); }
  }

  async function start() {
    db = await S.open(userId);
    await S.setMeta(db, "user", { id: userId, name: boot.user.name });
    if (navigator.serviceWorker) {
      navigator.serviceWorker.register("/sw.js").catch(function () {});
      navigator.serviceWorker.ready.then(keepShell).catch(function () {});
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.type === "synced" && !typing) { render(true); }
      });
    }
    if (navigator.storage && navigator.storage.persist) { navigator.storage.persist().catch(function () {}); }
    ledRefCache = await ledRef();
    await render();
    document.body.dataset.ready = "1";
    requestSync();
  }

  start();
})();
