// ONTrack on the phone: the briefcase and the outbox in IndexedDB (through idb), one database per person.
//
// The view of an order is the server's copy with the phone's queued changes applied on top, so
// appending to the outbox *is* the local update: one IndexedDB transaction, nothing to undo
// when the server later answers. Works in the page and in the service worker.
(function (root) {
  "use strict";
  var VERSION = 2;

  function dbName(userId) { return "ontrack-u" + userId; }

  function open(userId) {
    return root.idb.openDB(dbName(userId), VERSION, {
      upgrade: function (db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore("meta");                        // client_id, next_seq, cursor, last_sync, problem
          db.createObjectStore("orders", { keyPath: "id" });    // the server's bundles
          db.createObjectStore("reference", { keyPath: "id" }); // lifecycle, thresholds, playbooks
          var outbox = db.createObjectStore("outbox", { keyPath: "seq" });
          outbox.createIndex("order_id", "order_id");
          db.createObjectStore("attention", { keyPath: "seq" }); // refused and conflicting changes
          db.createObjectStore("blobs", { keyPath: "sha256" });  // photos and signatures by content hash
        }
        if (oldVersion < 2) {
          db.createObjectStore("runs", { keyPath: "id" });       // fault-finding runs not finished yet
        }
      }
    });
  }

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) { return root.crypto.randomUUID(); }
    var b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  async function clientId(db) {
    var tx = db.transaction("meta", "readwrite");
    var id = await tx.store.get("client_id");
    if (!id) { id = uuid(); await tx.store.put(id, "client_id"); }
    await tx.done;
    return id;
  }

  // Queue one change: the seq, the mutation and its blob (if any) commit together or not at all.
  async function enqueue(db, change) {
    var tx = db.transaction(["meta", "outbox", "blobs"], "readwrite");
    var meta = tx.objectStore("meta");
    var seq = (await meta.get("next_seq")) || 1;
    await meta.put(seq + 1, "next_seq");
    var blobs = change.blobs || (change.blob ? [change.blob] : []);
    for (var i = 0; i < blobs.length; i++) {
      var existing = await tx.objectStore("blobs").get(blobs[i].sha256);
      if (!existing) { await tx.objectStore("blobs").put(Object.assign({ state: "pending" }, blobs[i])); }
    }
    var entry = {
      seq: seq, mutation_id: uuid(), name: change.name, args: change.args, order_id: change.order_id,
      base_version: change.base_version, occurred_at: new Date().toISOString(), state: "pending"
    };
    await tx.objectStore("outbox").add(entry);
    await tx.done;
    return entry;
  }

  async function waiting(db) {
    var entries = await db.getAll("outbox");
    return entries.filter(function (e) { return e.state === "pending"; });
  }

  // Apply a queued change to an order the way the server will, for showing it at once.
  function applyLocal(order, entry) {
    var a = entry.args;
    var at = entry.occurred_at;
    var pending = entry.state === "pending";
    if (entry.name === "order.transition") {
      var event = { at: at, action: a.action, from_state: order.state, to_state: a.to, reason: a.reason || "",
                    local: true, pending: pending, details: a.fields || {} };
      order.state = a.to;
      if (a.action === "make_appointment") {
        order.appointment_start = a.fields.appointment_start;
        order.appointment_end = a.fields.appointment_end;
      }
      if (a.action === "return") { order.closure = a.fields; }
      order.events = order.events.concat([event]);
    } else if (entry.name === "order.add_note") {
      order.notes = order.notes.concat([{ uid: a.note_id, at: at, text: a.text, author: null, local: true, pending: pending }]);
    } else if (entry.name === "order.record_run") {
      order.runs = (order.runs || []).concat([{ id: a.run_id, playbook: a.playbook, playbook_version: a.version,
        steps: a.steps, outcome: a.outcome, note: a.note || "", occurred_at: at, local: true, pending: pending }]);
      order.events = order.events.concat([{ at: at, action: "record_run", from_state: order.state, to_state: order.state,
        reason: "", local: true, pending: pending, details: {} }]);
    } else if (entry.name === "order.sign_off") {
      order.signoffs = (order.signoffs || []).concat([{ id: a.signoff_id, version: null, report_hash: a.report_hash,
        signer_name: a.signer_name, signed_at: a.report.signed_at, survey: a.survey, local: true, pending: pending }]);
      order.events = order.events.concat([{ at: at, action: "sign_off", from_state: order.state, to_state: order.state,
        reason: a.signer_name, local: true, pending: pending, details: {} }]);
    } else if (entry.name === "order.wifi_survey") {
      order.surveys = (order.surveys || []).concat([{ id: a.survey_id, source: a.source, local: true, pending: pending,
        occurred_at: at, networks: a.networks, own_ssid: a.own_ssid || null, country: a.country,
        recommendation: null, findings: [] }]);
    } else if (entry.name === "order.led_check") {
      var tapped = a.tapped || null;
      order.led_checks = (order.led_checks || []).concat([{ id: a.check_id, model_id: a.model_id || "custom", model_kind: a.model_kind || "ont",
        labels: a.model_id ? tapped.map(function (s) { return s.label; }) : a.labels.split(","), capture: a.capture, sha256: a.sha256,
        frames: a.frames, frame: a.frame, reading: null, tapped: tapped, confirmed: tapped, occurred_at: at, local: true, pending: pending }]);
      order.events = order.events.concat([{ at: at, action: "led_check", from_state: order.state, to_state: order.state,
        reason: "", local: true, pending: pending, details: {} }]);
    } else if (entry.name === "order.led_confirm") {
      (order.led_checks || []).forEach(function (c) {
        if (c.id === a.check_id) {
          c.confirmed = a.states;
          c.confirmed_at = at;
          c.confirmations = (c.confirmations || 0) + 1;
          c.pending = c.pending || pending;
        }
      });
    } else if (entry.name === "order.attach_photo") {
      order.attachments = order.attachments.concat([{ id: a.photo_id, kind: a.kind || "photo", sha256: a.sha256,
        caption: a.caption || "", taken_at: at, local: true, pending: pending }]);
    }
    return order;
  }

  function clone(value) { return JSON.parse(JSON.stringify(value)); }

  async function orderView(db, id) {
    var tx = db.transaction(["orders", "outbox"]);
    var order = await tx.objectStore("orders").get(id);
    var entries = await tx.objectStore("outbox").index("order_id").getAll(id);
    await tx.done;
    if (!order) { return null; }
    order = clone(order);
    entries.sort(function (x, y) { return x.seq - y.seq; }).forEach(function (e) { applyLocal(order, e); });
    return order;
  }

  async function allOrders(db) {
    var tx = db.transaction(["orders", "outbox"]);
    var orders = await tx.objectStore("orders").getAll();
    var entries = await tx.objectStore("outbox").getAll();
    await tx.done;
    return orders.map(function (o) {
      var view = clone(o);
      entries.filter(function (e) { return e.order_id === o.id; }).forEach(function (e) { applyLocal(view, e); });
      return view;
    });
  }

  async function getMeta(db, key) { return db.get("meta", key); }
  async function setMeta(db, key, value) { return db.put("meta", value, key); }

  root.ONTrackStore = {
    open: open, dbName: dbName, uuid: uuid, clientId: clientId, enqueue: enqueue, waiting: waiting,
    orderView: orderView, allOrders: allOrders, applyLocal: applyLocal, getMeta: getMeta, setMeta: setMeta
  };
})(self);
