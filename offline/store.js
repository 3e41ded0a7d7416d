// ONTrack on the phone: the briefcase and the outbox in IndexedDB (through idb), one database per person.
//
// Appending to the outbox is one IndexedDB transaction, nothing to undo when the server later
// answers; the view of an order (server copy + queued changes) is computed in order-view.js.
// A classic script, because the service worker loads it too (importScripts).
(function (root) {
  "use strict";
  var VERSION = 3;

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
        if (oldVersion < 3) {
          db.createObjectStore("notices", { keyPath: "id" });    // the technician's notices, one per event (webapp/sla/notices.py)
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
  // `change.consumes` ({key, id?, rev?}), when given, names the kept draft in "meta" the change is made of: it goes in
  // the same transaction, so a reload mid-save cannot lose both or keep both (review r58). With `id`, only the draft
  // whose `draft_id` it is: when another is kept under `key`, or none (another tab saved or discarded it), nothing is
  // queued and this resolves to null. With `rev`, only while the draft is the revision read (its `rev`; 0 when it has
  // none or none is kept): a change made to it since (another tab's tap) is not dropped unsent (review r59); null then
  // too, for the caller to read it again.
  async function enqueue(db, change) {
    var tx = db.transaction(["meta", "outbox", "blobs"], "readwrite");
    var meta = tx.objectStore("meta");
    var consumes = change.consumes;
    if (consumes) {
      if (consumes.id || consumes.rev !== undefined) {
        var kept = await meta.get(consumes.key);
        if (consumes.id && (!kept || kept.draft_id !== consumes.id)) { await tx.done; return null; }
        if (consumes.rev !== undefined && ((kept && kept.rev) || 0) !== consumes.rev) { await tx.done; return null; }
      }
      await meta.delete(consumes.key);
    }
    var seq = (await meta.get("next_seq")) || 1;
    await meta.put(seq + 1, "next_seq");
    var blobs = change.blobs || (change.blob ? [change.blob] : []);
    for (var i = 0; i < blobs.length; i++) {
      var existing = await tx.objectStore("blobs").get(blobs[i].sha256);
      if (!existing) { await tx.objectStore("blobs").put(Object.assign({ state: "pending" }, blobs[i])); }
    }
    var entry = {
      seq: seq, mutation_id: uuid(), name: change.name, args: change.args, order_id: change.order_id,
      base_version: change.base_version, occurred_at: new Date().toISOString(), state: "pending",
      blobs: blobs.map(function (b) { return b.sha256; })  // sent only once these are uploaded (sync.js pushAll)
    };
    await tx.objectStore("outbox").add(entry);
    await tx.done;
    return entry;
  }

  async function waiting(db) {
    var entries = await db.getAll("outbox");
    return entries.filter(function (e) { return e.state === "pending"; });
  }

  async function getMeta(db, key) { return db.get("meta", key); }
  async function setMeta(db, key, value) { return db.put("meta", value, key); }

  // Change what "meta" keeps under `key` in one readwrite transaction that reads and writes it: `change(kept)` runs
  // synchronously (the transaction must not wait on anything else) and returns what to keep, or undefined to leave it.
  // Resolves to what was kept, else undefined. Two tabs changing one key take turns (IndexedDB runs readwrite
  // transactions on a store one after another), so neither writes over the other's change, as a read here and a
  // setMeta later did: two tabs tapping lights of one LED draft within milliseconds kept one tap.
  async function updateMeta(db, key, change) {
    var tx = db.transaction("meta", "readwrite");
    var value = change(await tx.store.get(key));
    if (value === undefined) { await tx.done; return undefined; }
    await Promise.all([tx.store.put(value, key), tx.done]);
    return value;
  }

  // Delete what "meta" keeps under `key`, if `only(kept)` says so, in one readwrite transaction that reads it (as
  // updateMeta: `only` runs synchronously). Resolves to whether it was deleted. A read, then a delete in a transaction
  // of its own, deleted whatever another tab had put there in between.
  async function dropMeta(db, key, only) {
    var tx = db.transaction("meta", "readwrite");
    if (!only(await tx.store.get(key))) { await tx.done; return false; }
    await Promise.all([tx.store.delete(key), tx.done]);
    return true;
  }

  root.ONTrackStore = {
    open: open, dbName: dbName, uuid: uuid, clientId: clientId, enqueue: enqueue, waiting: waiting,
    getMeta: getMeta, setMeta: setMeta, updateMeta: updateMeta, dropMeta: dropMeta
  };
})(self);
