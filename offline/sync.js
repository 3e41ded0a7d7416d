// ONTrack sync loop (design/sync-protocol.md): uploads → push in batches → pull. One loop at a time.
//
// Runs in the page and in the service worker (Background Sync, where the browser has it).
// Nothing leaves the outbox until the server has answered for it; a refusal or a conflict
// moves the change to "needs attention" with the server's reason, never into the void.
(function (root) {
  "use strict";
  var S = root.ONTrackStore;
  var BATCH = 100;
  // Chunk sizes: big while the link holds; small once it has dropped, because a request cut
  // mid-way is sent again whole (Chromium retries it), so a flaky link wastes at most a small chunk.
  var CHUNK = 64 * 1024;
  var CHUNK_AFTER_A_DROP = 32 * 1024;
  var running = null;
  // A busy server answers 503 with Retry-After: every phone waits at least that long, plus a
  // random share of it, so that thousands of phones do not all come back in the same second.
  var BUSY_JITTER = 1.0;
  var BUSY_DEFAULT_SECONDS = 5;

  function Problem(code, detail, retryAfter) { this.code = code; this.detail = detail || ""; this.retryAfter = retryAfter || 0; }

  function retryAfterSeconds(response) {
    var value = Number(response.headers.get("Retry-After"));
    return isFinite(value) && value > 0 ? Math.min(value, 600) : BUSY_DEFAULT_SECONDS;
  }

  async function request(url, options) {
    var response;
    try {
      response = await root.fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store" }, options || {}));
    } catch (err) {
      throw new Problem("offline");
    }
    if (response.status === 401) { throw new Problem("login"); }
    if (response.status === 503 || response.status === 429) {
      throw new Problem("busy", String(response.status), retryAfterSeconds(response));
    }
    if (response.status >= 500) { throw new Problem("server", String(response.status)); }
    return response;
  }

  async function session() {
    var response = await request("/api/session");
    if (!response.ok) { throw new Problem("server", String(response.status)); }
    return response.json();
  }

  function jsonHeaders(token) { return { "Content-Type": "application/json", "X-CSRFToken": token }; }

  // The server says what to do by a code, never by its (translated) words: "damaged" → send it
  // again from the start, "busy" → later, anything else refused → the photo needs attention.
  var DAMAGED_RETRIES = 3;

  async function uploadBlob(db, record, token, attempt) {
    attempt = attempt || 0;
    var r = await request("/api/uploads", { method: "POST", headers: jsonHeaders(token),
      body: JSON.stringify({ sha256: record.sha256, size: record.blob.size, content_type: record.type }) });
    var body = await r.json().catch(function () { return {}; });
    if (r.status === 200 && body.complete) { return markBlob(db, record, "uploaded"); }
    if (r.status === 429 || body.code === "busy") { throw new Problem("upload", body.error || String(r.status)); }
    if (r.status !== 201) { return markBlob(db, record, "bad", body.error || String(r.status)); }
    var id = body.upload_id, offset = body.offset, failures = 0, size = CHUNK;
    while (offset < record.blob.size) {
      var chunk = record.blob.slice(offset, offset + size);
      try {
        r = await request("/api/uploads/" + id, { method: "PATCH", body: chunk, headers: {
          "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream", "X-CSRFToken": token } });
      } catch (problem) {
        if (problem.code !== "offline" || ++failures > 8) { throw problem; }
        size = CHUNK_AFTER_A_DROP;
        offset = await currentOffset(id);  // the connection dropped: ask how much arrived, go on from there
        continue;
      }
      if (r.status === 204) { offset = Number(r.headers.get("Upload-Offset")); failures = 0; continue; }
      if (r.status === 409) { size = CHUNK_AFTER_A_DROP; offset = await currentOffset(id); continue; }
      body = await r.json().catch(function () { return {}; });
      if (body.code === "damaged" && attempt < DAMAGED_RETRIES) { return uploadBlob(db, record, token, attempt + 1); }
      if (body.code === "refused") { return markBlob(db, record, "bad", body.error); }
      throw new Problem("upload", body.error || String(r.status));
    }
    return markBlob(db, record, "uploaded");
  }

  async function currentOffset(id) {
    var r = await request("/api/uploads/" + id, { method: "HEAD" });
    if (!r.ok) { throw new Problem("upload", String(r.status)); }
    return Number(r.headers.get("Upload-Offset"));
  }

  async function markBlob(db, record, state, error) {
    var current = await db.get("blobs", record.sha256);
    if (current) { current.state = state; current.error = error || ""; await db.put("blobs", current); }
  }

  async function uploadAll(db, token) {
    var blobs = await db.getAll("blobs");
    for (var i = 0; i < blobs.length; i++) {
      if (blobs[i].state === "pending") { await uploadBlob(db, blobs[i], token); }
    }
  }

  // A batch the server refuses as too large (413, code "too_large") is sent in halves; a single
  // change too large to send at all is sent as "sync.too_large", which the server refuses by name
  // so its number is used up, and the change itself stays on the phone under "needs attention".
  async function pushAll(db, token, clientId) {
    var size = BATCH;
    for (;;) {
      var pending = await uploadedFirst(db, (await S.waiting(db)).sort(function (a, b) { return a.seq - b.seq; }));
      pending = pending.slice(0, size);
      if (!pending.length) { return; }
      var r = await sendBatch(token, clientId, pending.map(wireForm));
      var body = await r.json().catch(function () { return {}; });
      if (r.status === 413 && pending.length > 1) { size = Math.ceil(pending.length / 2); continue; }
      if (r.status === 413) {
        r = await sendBatch(token, clientId, [{ seq: pending[0].seq, mutation_id: pending[0].mutation_id,
          name: "sync.too_large", args: { name: pending[0].name }, base_version: null, occurred_at: pending[0].occurred_at }]);
        body = await r.json().catch(function () { return {}; });
      }
      if (r.status === 403) { throw new Problem("device", body.error); }
      if (!r.ok) { throw new Problem("push", body.error || String(r.status)); }
      var progressed = await settle(db, pending, body);
      if (!progressed) { throw new Problem("push", "no progress"); }
      size = BATCH;
    }
  }

  // The changes that may be sent now, in seq order: up to the first whose photo is still waiting to be uploaded.
  // A change queued while this loop was past its uploads (a photo taken during a sync) waits for the next loop:
  // sent before its photo, the server would refuse it as a photo that never arrived (a CI run of
  // test_images' HEIC upload: the photo under "needs attention").
  async function uploadedFirst(db, pending) {
    var notYet = {};
    (await db.getAll("blobs")).forEach(function (b) { if (b.state === "pending") { notYet[b.sha256] = true; } });
    for (var i = 0; i < pending.length; i++) {
      if ((pending[i].blobs || []).some(function (sha) { return notYet[sha]; })) { return pending.slice(0, i); }
    }
    return pending;
  }

  function wireForm(e) {
    return { seq: e.seq, mutation_id: e.mutation_id, name: e.name, args: e.args,
             base_version: e.base_version, occurred_at: e.occurred_at };
  }

  function sendBatch(token, clientId, mutations) {
    return request("/api/sync/push", { method: "POST", headers: jsonHeaders(token),
      body: JSON.stringify({ client_id: clientId, mutations: mutations }) });
  }

  // Record the server's answers: applied changes wait for the next pull; refused ones need attention.
  async function settle(db, sent, body) {
    var results = {};
    (body.results || []).forEach(function (r) { results[r.seq] = r; });
    var tx = db.transaction(["outbox", "attention"], "readwrite");
    var progressed = false;
    for (var i = 0; i < sent.length; i++) {
      var entry = sent[i], result = results[entry.seq];
      if (entry.seq > body.last_seq) { continue; }
      progressed = true;
      if (!result || result.status === "applied") {
        entry.state = "sent";
        await tx.objectStore("outbox").put(entry);
      } else {
        await tx.objectStore("outbox").delete(entry.seq);
        await tx.objectStore("attention").put({ seq: entry.seq, order_id: entry.order_id, name: entry.name,
          args: entry.args, status: result.status, error: result.error || "", server_row: result.server_row || null,
          occurred_at: entry.occurred_at });
      }
    }
    await tx.done;
    return progressed;
  }

  // hooks.arriving(page): called with each pulled page before it is written, so the page can show
  // it at once (order-view.js); hooks.settled(): once the pull is over, written or not.
  async function pullAll(db, clientId, hooks) {
    var cursor = await S.getMeta(db, "cursor");
    var noticesTag = await S.getMeta(db, "notices_tag");  // the server sends the notices only when they changed
    // Sent changes, read once (under the lock nothing else sends); applied: appliedByOrder at the first page.
    var sent = (await db.getAll("outbox")).filter(function (e) { return e.state === "sent"; });
    var applied = null;
    try {
      for (;;) {
        var url = "/api/sync/pull?client_id=" + encodeURIComponent(clientId) + (cursor != null ? "&cursor=" + cursor : "") +
          (noticesTag ? "&notices_tag=" + encodeURIComponent(noticesTag) : "");
        var r = await request(url);
        var body = await r.json().catch(function () { return {}; });
        if (r.status === 403) { throw new Problem("device", body.error); }
        if (!r.ok) { throw new Problem("pull", body.error || String(r.status)); }
        if (hooks.arriving) { await hooks.arriving(body); }
        applied = applied || appliedByOrder(sent, body.last_seq);
        await applyPull(db, body, applied);
        cursor = body.cursor;
        if (!body.more) { break; }
      }
      // The rest (orders no page brought), before hooks.settled: no screen may show a change twice (README).
      await dropRest(db, applied);
    } finally {
      if (hooks.settled) { hooks.settled(); }
    }
  }

  // Map(order_id → [seq]) of the sent `entries` the server has applied (seq ≤ lastSeq); its `returned`: the orders of
  // which one was the closure reply (the step "return").
  function appliedByOrder(entries, lastSeq) {
    var applied = new Map();
    applied.returned = new Set();
    entries.forEach(function (e) {
      if (e.seq <= lastSeq) { applied.set(e.order_id, (applied.get(e.order_id) || []).concat([e.seq])); }
      if (e.seq <= lastSeq && e.name === "order.transition" && e.args && e.args.action === "return") {
        applied.returned.add(e.order_id);
      }
    });
    return applied;
  }

  // [seq] of `orderId`, taken out of `applied`.
  function takeApplied(applied, orderId) {
    var seqs = applied.get(orderId) || [];
    applied.delete(orderId);
    return seqs;
  }

  // Drop the applied changes no pulled page took, in a transaction of their own.
  async function dropRest(db, applied) {
    var seqs = [];
    (applied || new Map()).forEach(function (own) { seqs = seqs.concat(own); });
    if (!seqs.length) { return; }
    var tx = db.transaction("outbox", "readwrite");
    await Promise.all(seqs.map(function (seq) { return tx.store.delete(seq); }).concat([tx.done]));
    applied.clear();
  }

  // A pulled page is written in transactions of about WRITE_SLICE_MS of main-thread work each (README, issue 14).
  var WRITE_SLICE_MS = 8;

  function nextTask() {
    if (root.scheduler && root.scheduler.yield) { return root.scheduler.yield(); }
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  // Exactly once (design/sync-protocol.md): the cursor goes in with the page's last rows; a reset forgets it in its
  // first transaction; an applied change leaves the outbox with its order's copy (README).
  async function applyPull(db, body, applied) {
    var tx = db.transaction(["orders", "reference", "meta", "notices", "outbox"], "readwrite");
    var writes = [];
    if (body.notices) {  // the server sends the whole recent list on a pull's last page: it replaces what the phone had
      writes.push(tx.objectStore("notices").clear());
      body.notices.forEach(function (notice) { writes.push(tx.objectStore("notices").put(notice)); });
    }
    if (body.notices_tag) { writes.push(tx.objectStore("meta").put(body.notices_tag, "notices_tag")); }
    if (body.reset) {
      writes.push(tx.objectStore("orders").clear(), tx.objectStore("reference").clear(), tx.objectStore("meta").delete("cursor"));
    }
    var changes = body.changes || [], i = 0;
    for (;;) {
      var started = Date.now();
      for (; i < changes.length && Date.now() - started < WRITE_SLICE_MS; i++) {
        var c = changes[i];
        var store = tx.objectStore(c.table === "reference" ? "reference" : "orders");
        if (c.deleted && c.table !== "reference" && applied.returned.has(c.id)) {
          // The order left the phone because this phone's closure reply went through: its page says so, not "not on
          // this phone: reassigned or finished?" (review r67). The last one only: it is the page on screen.
          writes.push(tx.objectStore("meta").put({ id: c.id, at: Date.now() }, "last_returned"));
        }
        if (c.deleted) { writes.push(store.delete(c.id)); }
        else if (c.table === "reference") { writes.push(store.put({ id: c.id, version: c.version, data: c.data })); }
        else { writes.push(store.put(c.data)); }
        if (c.table !== "reference") {
          takeApplied(applied, c.id).forEach(function (seq) { writes.push(tx.objectStore("outbox").delete(seq)); });
        }
      }
      if (i >= changes.length) { writes.push(tx.objectStore("meta").put(body.cursor, "cursor")); }
      writes.push(tx.done);
      await Promise.all(writes);
      if (i >= changes.length) { return; }
      await nextTask();
      tx = db.transaction(["orders", "reference", "meta", "outbox"], "readwrite");
      writes = [];
    }
  }

  async function runOnce(db, userId, hooks) {
    var until = await S.getMeta(db, "busy_until");
    if (until && until > Date.now()) { return { ok: false, busy: true, wait: until - Date.now() }; }
    try {
      var who = await session();
      if (who.user_id !== userId) { throw new Problem("other-user", who.display_name); }
      var clientId = await S.clientId(db);
      await uploadAll(db, who.csrf_token);
      await pushAll(db, who.csrf_token, clientId);
      await pullAll(db, clientId, hooks || {});
      await S.setMeta(db, "last_sync", new Date().toISOString());
      await S.setMeta(db, "problem", null);
      return { ok: true };
    } catch (err) {
      var problem = asProblem(err);
      var result = { ok: false, problem: problem.code };
      // Not kept (the phone's storage full): the result says it, and the page shows it from there (statusbar.js).
      if (!(await kept(db, "problem", { code: problem.code, detail: problem.detail, at: new Date().toISOString() }))) {
        result.problemNotKept = true;
      }
      if (problem.code === "busy") {
        result.wait = problem.retryAfter * 1000 * (1 + Math.random() * BUSY_JITTER);
        await kept(db, "busy_until", Date.now() + result.wait);
      }
      return result;
    }
  }

  // The Problem `err` is, or stands for: the phone's storage full ("storage": IndexedDB refused a write), else "error".
  function asProblem(err) {
    if (err instanceof Problem) { return err; }
    if (err && err.name === "QuotaExceededError") { return new Problem("storage"); }
    return new Problem("error", String(err && err.message || err));
  }

  // Write `value` under `key` in "meta" → whether it was kept. Why a loop stopped is written as it ends, where nothing
  // catches: with the phone's storage full that write is refused too, and its error reached the page (1 run in 4).
  async function kept(db, key, value) {
    try {
      await S.setMeta(db, key, value);
      return true;
    } catch (err) {
      return false;
    }
  }

  // One loop at a time, across tabs and the service worker (Web Locks), else within this context.
  // hooks (optional, the page's): {arriving(page), settled()}, see pullAll.
  function run(db, userId, hooks) {
    if (root.navigator && root.navigator.locks) {
      return root.navigator.locks.request("ontrack-sync-" + userId, { ifAvailable: true }, function (lock) {
        return lock ? runOnce(db, userId, hooks) : { ok: false, busy: true };
      });
    }
    if (!running) { running = runOnce(db, userId, hooks).finally(function () { running = null; }); }
    return running;
  }

  // Resolves true once another context's sync (the lock held) is over, false after limitMs. Watches the lock, never
  // asks for it (README).
  async function othersDone(userId, limitMs) {
    var locks = root.navigator && root.navigator.locks;
    if (!locks || !locks.query) { return true; }
    var name = "ontrack-sync-" + userId, until = Date.now() + (limitMs || OTHERS_LIMIT_MS);
    while (Date.now() < until) {
      var state = await locks.query().catch(function () { return { held: [] }; });
      if (!(state.held || []).some(function (lock) { return lock.name === name; })) { return true; }
      await new Promise(function (resolve) { setTimeout(resolve, OTHERS_POLL_MS); });
    }
    return false;
  }
  var OTHERS_POLL_MS = 200, OTHERS_LIMIT_MS = 15000;

  root.ONTrackSync = { run: run, uploadBlob: uploadBlob, othersDone: othersDone };
})(self);
