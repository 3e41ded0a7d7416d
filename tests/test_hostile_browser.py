"""The phone's sync loop against an unlucky network and an oversized outbox, in real Chromium (issue 13).

offline/sync.js decides by the server's codes, not its words: a photo damaged on the way
(the server answers 422 code "damaged") is sent again from the start, and a batch refused as
too large (413 code "too_large") is split, so the outbox never sticks.
"""
import pytest

from tests.test_offline_browser import dispatch_order, log_in, phone_profile, ready_offline, server, wait_js  # noqa: F401

pytestmark = pytest.mark.browser

SYNC_UNTIL_EMPTY = """async ([userId]) => {
  const db = await ONTrackStore.open(userId);
  for (let i = 0; i < 40; i++) {
    const result = await ONTrackSync.run(db, userId);
    const left = (await db.getAll("outbox")).length;
    const blobs = (await db.getAll("blobs")).filter(b => b.state === "pending").length;
    if (result.ok && left === 0 && blobs === 0) { return {ok: true, attention: await db.getAll("attention")}; }
    await new Promise(r => setTimeout(r, 150));
  }
  return {ok: false, outbox: (await db.getAll("outbox")).length, problem: await ONTrackStore.getMeta(db, "problem")};
}"""


def user_id(db, name):
    return db.execute("SELECT id FROM users WHERE username = ?", [name]).fetchone()[0]


def test_a_photo_damaged_on_the_way_is_sent_again_by_its_code(phone_profile, server, app, user_ids, db):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    answers = []
    damaged = {"done": False}

    def corrupt_first_chunk(route, request):
        if request.method == "PATCH" and not damaged["done"]:
            damaged["done"] = True
            body = bytearray(request.post_data_buffer)
            body[len(body) // 2] ^= 0xFF  # one bit flipped on the way: the server's checksum catches it
            return route.continue_(post_data=bytes(body))
        return route.continue_()

    page.route("**/api/uploads/*", corrupt_first_chunk)
    page.on("response", lambda r: answers.append(r.status) if "/api/uploads/" in r.url and r.request.method == "PATCH" else None)
    queued = page.evaluate("""async ([userId, orderId]) => {
      const canvas = new OffscreenCanvas(320, 240);
      const g = canvas.getContext("2d");
      g.fillStyle = "#2a7"; g.fillRect(0, 0, 320, 240); g.fillStyle = "#fff"; g.fillRect(40, 40, 90, 60);
      const blob = await canvas.convertToBlob({type: "image/jpeg", quality: 0.9});
      const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
      const sha = Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, "0")).join("");
      const db = await ONTrackStore.open(userId);
      await ONTrackStore.enqueue(db, {name: "order.attach_photo", order_id: orderId,
        args: {order_id: orderId, photo_id: ONTrackStore.uuid(), sha256: sha, kind: "photo"},
        blobs: [{sha256: sha, blob: blob, type: "image/jpeg"}]});
      return sha;
    }""", [user_id(db, "techa"), order_id])
    outcome = page.evaluate(SYNC_UNTIL_EMPTY, [user_id(db, "techa")])
    assert outcome["ok"], outcome
    assert 422 in answers and damaged["done"], answers
    assert db.execute("SELECT sha256 FROM attachments WHERE order_id = ?", [order_id]).fetchone()[0] == queued
    assert db.execute("SELECT COUNT(*) FROM blobs WHERE sha256 = ?", [queued]).fetchone()[0] == 1


def test_an_outbox_too_large_for_one_request_is_split_and_never_sticks(phone_profile, server, app, user_ids, db):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    page.evaluate("""async ([userId, orderId]) => {
      const db = await ONTrackStore.open(userId);
      const note = (text, padding) => ONTrackStore.enqueue(db, {name: "order.add_note", order_id: orderId,
        args: {order_id: orderId, note_id: ONTrackStore.uuid(), text: text, padding: "x".repeat(padding)}});
      for (let i = 0; i < 60; i++) { await note("记录 " + i, 50000); }  // 3 MB together, 50 KB each
      await note("太大的一条", 2500000);  // over 2 MB by itself
      await note("之后的一条", 10);
    }""", [user_id(db, "techa"), order_id])
    outcome = page.evaluate(SYNC_UNTIL_EMPTY, [user_id(db, "techa")])
    assert outcome["ok"], outcome
    texts = [r[0] for r in db.execute("SELECT text FROM order_notes WHERE order_id = ? ORDER BY id", [order_id])]
    assert texts == [f"记录 {i}" for i in range(60)] + ["之后的一条"]
    assert [a["args"]["text"] for a in outcome["attention"]] == ["太大的一条"]  # kept on the phone, shown to the technician
    assert outcome["attention"][0]["error"]
