"""The sync contract's protocol tests (design/sync-protocol.md), on the real SQLite database."""
import json
import sqlite3
import uuid

import pytest

from tests.conftest import Phone
from webapp.sync import mutations

ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "赵先生", "contact_phone": "13900000001", "district": "东城区", "community": "幸福里"}


@pytest.fixture
def order_id(login, user_ids, db):
    """A repair order dispatched to techa."""
    desk = login("disp")
    response = desk.post("/orders/new", {**ORDER, "technician_id": str(user_ids["techa"])})
    assert response.status_code == 303, response.text
    return next(iter(db.query("SELECT id FROM orders ORDER BY id DESC LIMIT 1")))["id"]


def version_of(db, order_id):
    return next(iter(db.query("SELECT version, state FROM orders WHERE id = ?", [order_id])))


def test_replayed_push_gets_the_same_answer_and_changes_nothing(login, order_id, db):
    phone = Phone(login("techa"))
    batch = [phone.mutation("order.transition", {"order_id": order_id, "to": "accepted"}, base_version=version_of(db, order_id)["version"]),
             phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "客户在家"})]
    first = phone.push(batch)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json["results"]] == ["applied", "applied"]
    events = db.execute("SELECT COUNT(*) FROM order_events").fetchone()[0]
    again = phone.push(batch)
    assert again.json == first.json
    assert db.execute("SELECT COUNT(*) FROM order_events").fetchone()[0] == events
    assert db.execute("SELECT COUNT(*) FROM order_notes").fetchone()[0] == 1
    assert version_of(db, order_id)["state"] == "accepted"


def note(phone, order_id, text="note"):
    return phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": text})


def test_a_gap_stops_the_batch_and_the_device_resends_from_last_seq(login, order_id, db):
    phone = Phone(login("techa"))
    one_, two, three = note(phone, order_id, "1"), note(phone, order_id, "2"), note(phone, order_id, "3")
    response = phone.push([one_, three])  # two is missing
    assert response.json["last_seq"] == 1
    assert [r["seq"] for r in response.json["results"]] == [1]
    assert [r["text"] for r in db.query("SELECT text FROM order_notes ORDER BY id")] == ["1"]
    response = phone.push([two, three])
    assert response.json["last_seq"] == 3
    assert [r["text"] for r in db.query("SELECT text FROM order_notes ORDER BY id")] == ["1", "2", "3"]


def test_a_stale_base_version_after_a_dispatcher_change_is_a_conflict_and_consumes_the_seq(login, order_id, db, user_ids):
    phone = Phone(login("techa"))
    seen = version_of(db, order_id)["version"]
    desk = login("disp")
    # While the phone is offline the dispatcher moves the order to techb and back to techa.
    for tech in ("techb", "techa"):
        assert desk.post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids[tech])}).status_code in (200, 303)
    response = phone.push([phone.mutation("order.transition", {"order_id": order_id, "to": "accepted"}, base_version=seen),
                           note(phone, order_id, "after the conflict")])
    first, second = response.json["results"]
    assert first["status"] == "conflict" and "调度员 甲" in first["error"], first
    assert first["server_row"]["state"] == "dispatched" and first["server_row"]["id"] == order_id
    assert second["status"] == "applied" and response.json["last_seq"] == 2
    assert version_of(db, order_id)["state"] == "dispatched"


def test_an_order_reassigned_away_is_a_conflict_that_names_no_one_elses_data(login, order_id, db, user_ids):
    phone = Phone(login("techa"))
    seen = version_of(db, order_id)["version"]
    login("disp").post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techb"])})
    result = phone.push([phone.mutation("order.transition", {"order_id": order_id, "to": "accepted"}, base_version=seen)]).json["results"][0]
    assert result["status"] == "conflict"
    assert result["server_row"] == {"id": order_id, "order_no": result["server_row"]["order_no"], "assigned_to_you": False}


def test_own_earlier_changes_do_not_make_later_ones_stale(login, order_id, db):
    phone = Phone(login("techa"))
    seen = version_of(db, order_id)["version"]
    response = phone.push([
        phone.mutation("order.transition", {"order_id": order_id, "to": "accepted"}, base_version=seen),
        phone.mutation("order.transition", {"order_id": order_id, "to": "appointed", "fields": {
            "appointment_start": "2099-01-01T09:00", "appointment_end": "2099-01-01T11:00"}}, base_version=seen),
        phone.mutation("order.transition", {"order_id": order_id, "to": "on_site"}, base_version=seen),
    ])
    assert [r["status"] for r in response.json["results"]] == ["applied"] * 3, response.json
    assert version_of(db, order_id)["state"] == "on_site"


def test_a_validation_error_is_rejected_with_a_reason_leaves_no_rows_and_consumes_the_seq(login, order_id, db):
    phone = Phone(login("techa"))
    seen = version_of(db, order_id)["version"]
    events = db.execute("SELECT COUNT(*) FROM order_events").fetchone()[0]
    response = phone.push([
        phone.mutation("order.transition", {"order_id": order_id, "to": "appointed", "fields": {
            "appointment_start": "2099-01-01T11:00", "appointment_end": "2099-01-01T09:00"}}, base_version=seen),
        phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": ""}),
        phone.mutation("order.nonsense", {}),
    ])
    results = response.json["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3 and response.json["last_seq"] == 3
    assert all(r["error"] for r in results)
    assert db.execute("SELECT COUNT(*) FROM order_events").fetchone()[0] == events
    assert db.execute("SELECT COUNT(*) FROM order_notes").fetchone()[0] == 0
    assert version_of(db, order_id) == {"version": seen, "state": "dispatched"}


def test_a_rejected_closure_leaves_no_partial_writes(login, order_id, db):
    phone = Phone(login("techa"))
    seen = version_of(db, order_id)["version"]
    steps = [phone.mutation("order.transition", {"order_id": order_id, "to": to}, base_version=seen) for to in ("accepted",)]
    steps.append(phone.mutation("order.transition", {"order_id": order_id, "to": "appointed", "fields": {
        "appointment_start": "2099-01-01T09:00", "appointment_end": "2099-01-01T11:00"}}, base_version=seen))
    steps += [phone.mutation("order.transition", {"order_id": order_id, "to": to}, base_version=seen) for to in ("on_site", "restored")]
    steps.append(phone.mutation("order.transition", {"order_id": order_id, "to": "returned", "fields": {
        "phenomenon": "无法上网", "arrival_time": "2026-11-22T10:00", "cause": "未知", "handling_process": "x",
        "equipment_replaced": "无", "result": "recovered", "recovery_time": "2026-11-22T11:00",
        "classification": "drop_cable", "holder_informed": True}}, base_version=seen))
    results = phone.push(steps).json["results"]
    assert [r["status"] for r in results] == ["applied"] * 4 + ["rejected"]
    assert "具体" in results[-1]["error"] or "specific" in results[-1]["error"]
    row = next(iter(db.query("SELECT state, closure FROM orders WHERE id = ?", [order_id])))
    assert row == {"state": "restored", "closure": None}


def test_an_exception_mid_batch_applies_nothing_and_keeps_last_seq(app, login, order_id, db, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    phone = Phone(login("techa"))
    assert phone.push([note(phone, order_id, "first")]).json["last_seq"] == 1
    # A temporary failure inside SQLite in the middle of the batch: a full disk, once the note is written. (A trigger's
    # RAISE is a constraint, an IntegrityError: the same body fails every time and is refused alone since review r7.)
    add_note = mutations.MUTATORS["order.add_note"]

    def disk_full_at_boom(ctx, args, *rest):
        outcome = add_note(ctx, args, *rest)
        if args.get("text") == "boom":
            raise sqlite3.OperationalError("database or disk is full")
        return outcome
    monkeypatch.setitem(mutations.MUTATORS, "order.add_note", disk_full_at_boom)
    response = phone.push([note(phone, order_id, "second"), note(phone, order_id, "boom"), note(phone, order_id, "fourth")])
    assert response.status_code == 500 and "error" in response.json
    assert [r["text"] for r in db.query("SELECT text FROM order_notes ORDER BY id")] == ["first"]
    assert db.execute("SELECT last_seq FROM sync_clients").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM mutation_log").fetchone()[0] == 1


def test_a_dropped_response_then_a_resend_is_applied_once(login, order_id, db):
    phone = Phone(login("techa"))
    batch = [note(phone, order_id, f"n{i}") for i in range(5)]
    phone.push(batch[:3])  # the answer never reached the phone
    response = phone.push(batch)  # so it sends everything again
    assert response.json["last_seq"] == 5 and len(response.json["results"]) == 5
    assert [r["text"] for r in db.query("SELECT text FROM order_notes ORDER BY id")] == [f"n{i}" for i in range(5)]


def test_another_persons_client_id_is_their_own_device_and_locks_no_one_out(login, order_id, db):
    mine = Phone(login("techa"))
    assert mine.push([note(mine, order_id)]).json["last_seq"] == 1
    copycat = Phone(login("techb"), client_id=mine.client_id)
    copied = copycat.push([note(copycat, order_id, "not my order")])
    assert copied.status_code == 200 and copied.json["results"][0]["status"] == "rejected"
    assert copycat.pull(cursor=None)["last_seq"] == 1  # techb's device of that name, not techa's
    assert mine.push([note(mine, order_id, "second")]).json["last_seq"] == 2  # techa goes on undisturbed
    assert [r["text"] for r in db.query("SELECT text FROM order_notes ORDER BY id")] == ["note", "second"]


def test_the_desk_and_strangers_cannot_sync(app, login, order_id):
    assert login("disp").client.post("/api/sync/push", json={}).status_code in (400, 403)
    anonymous = app.test_client()
    response = anonymous.get("/api/sync/pull?client_id=abcdefgh-1234")
    assert response.status_code == 401 and response.json["error"]
    assert anonymous.post("/api/sync/push", json={}).status_code in (400, 401)


@pytest.mark.parametrize("body", [
    None, [], {"client_id": "x", "mutations": []}, {"client_id": "abcdefgh-1234", "mutations": "no"},
    {"client_id": "abcdefgh-1234", "mutations": [{"seq": "1"}]},
    {"client_id": "abcdefgh-1234", "mutations": [{"seq": 1, "mutation_id": "abcdefgh-1", "name": "order.add_note", "args": []}]},
    {"client_id": "abcdefgh-1234", "mutations": [{"seq": 1, "mutation_id": "abcdefgh-1", "name": "x", "args": {}}] * 2},
])
def test_malformed_pushes_get_a_clear_400(login, body):
    tech = login("techa")
    response = tech.client.post("/api/sync/push", data=json.dumps(body), content_type="application/json",
                                headers={"X-CSRFToken": tech.token})
    assert response.status_code == 400 and response.json["error"]


def test_hostile_args_are_rejected_not_crashed(login, order_id):
    phone = Phone(login("techa"))
    weird = [{"order_id": True}, {"order_id": "1"}, {"order_id": order_id, "to": ["accepted"]},
             {"order_id": order_id, "to": "closed"}, {"order_id": order_id, "to": "returned", "fields": "x"},
             {"order_id": order_id, "to": "appointed", "fields": {"appointment_start": {"a": 1}}},
             {"order_id": 10 ** 30, "to": "accepted"}]
    response = phone.push([phone.mutation("order.transition", args) for args in weird]
                          + [phone.mutation("order.add_note", {"order_id": order_id, "note_id": "n" * 100, "text": "x"}),
                             phone.mutation("order.add_note", {"order_id": order_id, "note_id": "ok-id-1", "text": "   "}),
                             phone.mutation("order.attach_photo", {"order_id": order_id, "photo_id": "p-1", "sha256": "0" * 64})])
    assert response.status_code == 200, response.text
    assert all(r["status"] == "rejected" and r["error"] for r in response.json["results"]), response.json


def test_pull_delivers_each_change_once_and_tombstones_what_left(login, order_id, db, user_ids):
    phone = Phone(login("techa"))
    first = phone.pull(cursor=None)
    assert first["reset"] is True
    orders = [c for c in first["changes"] if c["table"] == "orders"]
    assert [c["id"] for c in orders] == [order_id]
    assert {c["id"] for c in first["changes"] if c["table"] == "reference"} >= {"lifecycle", "thresholds"}
    assert phone.pull()["changes"] == []  # nothing new: nothing again
    phone.push([note(phone, order_id, "来过")])
    second = phone.pull()
    assert [c["id"] for c in second["changes"]] == [order_id] and second["last_seq"] == 1
    assert second["changes"][0]["data"]["notes"][0]["text"] == "来过"
    assert phone.pull()["changes"] == []
    login("disp").post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techb"])})
    gone = phone.pull()["changes"]
    assert gone == [{"table": "orders", "id": order_id, "version": gone[0]["version"], "deleted": 1, "data": None}]
    other = Phone(login("techb"))
    assert [c["id"] for c in other.pull(cursor=None)["changes"] if c["table"] == "orders"] == [order_id]


def test_pull_never_shows_someone_elses_orders(login, order_id, db, user_ids):
    stranger = Phone(login("techb"))
    start = stranger.pull(cursor=None)
    assert [c for c in start["changes"] if c["table"] == "orders"] == []
    Phone(login("techa")).push  # techa works on the order; techb must not hear of it
    mine = Phone(login("techa"))
    mine.push([note(mine, order_id, "私事")])
    assert stranger.pull()["changes"] == []


def test_an_unusable_cursor_answers_with_a_full_snapshot(login, order_id):
    phone = Phone(login("techa"))
    for cursor in ("999999999", "abc", "-5"):
        body = phone.session.get(f"/api/sync/pull?client_id={phone.client_id}&cursor={cursor}").json
        assert body["reset"] is True and [c["id"] for c in body["changes"] if c["table"] == "orders"] == [order_id]


def test_device_time_is_used_on_site_only_when_plausible(login, order_id, db):
    import datetime
    phone = Phone(login("techa"))
    seen = version_of(db, order_id)["version"]
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    earlier = (now - datetime.timedelta(minutes=3)).isoformat()
    future = (now + datetime.timedelta(hours=5)).isoformat()
    phone.push([
        phone.mutation("order.transition", {"order_id": order_id, "to": "accepted"}, seen, occurred_at=earlier),
        phone.mutation("order.transition", {"order_id": order_id, "to": "appointed", "fields": {
            "appointment_start": "2099-01-01T09:00", "appointment_end": "2099-01-01T11:00"}}, seen, occurred_at=earlier),
        phone.mutation("order.transition", {"order_id": order_id, "to": "on_site"}, seen, occurred_at=future),
    ])
    events = {e["action"]: (e["at"], json.loads(e["details"])) for e in db.query(
        "SELECT action, at, details FROM order_events WHERE order_id = ?", [order_id])}
    accept_at, accept = events["accept"]
    assert accept["device_time_ignored"] == "before the order was created"  # 3 minutes before this test made it
    arrive_at, arrive = events["arrive"]
    assert arrive["device_time_ignored"] == "in the future" and arrive_at == arrive["received_at"]
    assert db.execute("SELECT COUNT(*) FROM mutation_log WHERE occurred_at IS NOT NULL AND received_at IS NOT NULL").fetchone()[0] == 3


def test_a_plausible_device_time_records_when_it_happened(login, order_id, db):
    import datetime
    phone = Phone(login("techa"))
    seen = version_of(db, order_id)["version"]
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    phone.push([phone.mutation("order.transition", {"order_id": order_id, "to": "accepted"}, seen),
                phone.mutation("order.transition", {"order_id": order_id, "to": "appointed", "fields": {
                    "appointment_start": "2099-01-01T09:00", "appointment_end": "2099-01-01T11:00"}}, seen)])
    on_site = (now + datetime.timedelta(seconds=30)).isoformat()
    phone.push([phone.mutation("order.transition", {"order_id": order_id, "to": "on_site"}, seen, occurred_at=on_site)])
    row = next(iter(db.query("SELECT at, details FROM order_events WHERE action = 'arrive'")))
    assert json.loads(row["details"])["device_time_used"] is True


def test_a_note_does_not_rewrite_the_order_row(login, order_id, db):
    # Before: every note re-stored the order's (unchanged) next deadline, which logged the order
    # as changed once more and cost the write lock an UPDATE with its triggers (issue 14, capacity).
    db.conn.execute("CREATE TABLE order_rewrites (order_id INTEGER)")
    db.conn.execute("CREATE TRIGGER count_order_rewrites AFTER UPDATE ON orders"
                    " BEGIN INSERT INTO order_rewrites VALUES (NEW.id); END")
    tech = Phone(login("techa"))
    tech.pull(None)
    assert tech.note(order_id, "光猫已重启")["status"] == "applied"
    assert db.execute("SELECT COUNT(*) FROM order_rewrites").fetchone()[0] == 0
    assert tech.act(order_id, "accepted")["status"] == "applied"  # a real change still writes the order
    assert db.execute("SELECT COUNT(*) FROM order_rewrites").fetchone()[0] >= 1


def test_a_pull_with_nothing_new_answers_empty_and_keeps_the_cursor(login, order_id, db):
    tech = Phone(login("techa"))
    tech.pull(None)
    top = db.execute("SELECT MAX(sv) FROM change_log").fetchone()[0]
    assert tech.cursor == top
    # The new order's notice came with the first pull; an unchanged list is not sent again (only its tag).
    assert tech.pull() == {"cursor": top, "reset": False, "more": False, "changes": [], "last_seq": 0,
                           "notices_tag": tech.notices_tag}
    assert tech.note(order_id, "到场")["status"] == "applied"
    changed = tech.pull()
    assert [c["id"] for c in changed["changes"]] == [order_id] and changed["cursor"] > top


def test_the_notices_come_again_only_when_they_change(login, order_id, db, user_ids):
    """Issue 14 + 15: a pull carries the technician's notices only when the phone's tag is stale."""
    tech = Phone(login("techa"))
    first = tech.pull(None)
    assert [n["kinds"] for n in first["notices"]] == [["assigned"]] and first["notices_tag"]
    assert "notices" not in tech.pull()
    marked = tech.push([tech.mutation("notices.mark_read", {"ids": first["notices"][0]["ids"]})]).json["results"][0]
    assert marked["status"] == "applied", marked
    after_read = tech.pull()
    assert after_read["notices"][0]["read"] is True and after_read["notices_tag"] != first["notices_tag"]
    tech.notices_tag = None  # a phone that lost its copy (or an older app) gets the list every time
    assert "notices" in tech.pull()


@pytest.mark.parametrize("raw", [b"[" * 100_000 + b"]" * 100_000,
                                 b'{"client_id": "abcdefgh-1234", "mutations": [], "n": 1' + b"0" * 5000 + b"}"])
def test_a_hostile_json_push_is_a_400_not_a_500(login, raw):
    """Review r19: the body that crashed /api/v1 (RecursionError, Python's 4,300-digit limit) is a plain 400 here too."""
    tech = login("techa")
    response = tech.client.post("/api/sync/push", data=raw, content_type="application/json",
                                headers={"X-CSRFToken": tech.token})
    assert response.status_code == 400 and response.json["error"]
