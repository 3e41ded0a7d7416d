"""Review r6 on LED confirmations: every confirmation is one kind of record (led_confirmations), made by a named
person at a time; its corrections (where the technician's word differs from the reader: the field ground truth) are
worked out against the reading even when the reading arrives after the confirmation; a new holder after a
reassignment confirms again beside the previous technician's record, never over it."""
import json
import uuid

from tests.conftest import Phone
from tests.test_led import upload
from tests.test_led_read_attempts import MODEL, blob_path, photo, push_check, read_again, reading_of, worker_retries  # noqa: F401
from tests.test_sync import order_id  # noqa: F401  (fixture)
from webapp.led import catalog, checks

LABELS = [led["label"] for led in catalog.model(MODEL)["leds"]]


def every_light_off():
    return [{"label": label, "state": "off", "color": None} for label in LABELS]


def confirm(phone, order_id, check_id, states):  # noqa: F811
    result = phone.push([phone.mutation("order.led_confirm", {"order_id": order_id, "confirm_id": str(uuid.uuid4()),
                                                               "check_id": check_id, "states": states})]).json["results"][0]
    return result


def confirmations(db, check_id):
    return [dict(row) for row in db.query("SELECT * FROM led_confirmations WHERE check_id = ? ORDER BY rowid", [check_id])]


def test_a_confirmation_made_before_the_reading_gets_its_corrections_when_the_reading_arrives(
        app, login, order_id, db, worker_retries):  # noqa: F811
    tech = login("techa")
    phone = Phone(tech)
    data = photo()
    sha = upload(tech, data)
    path = blob_path(app, db, sha)
    path.unlink()
    path.mkdir()  # the first attempt fails: the reading stays pending while the technician confirms
    check_id = push_check(phone, order_id, sha)
    assert reading_of(db, check_id).get("pending")
    states = [{"label": led["label"], "state": "blinking", "color": led["colors"][0]}  # what one photo never reads
              for led in catalog.model(MODEL)["leds"]]  # in a colour each light can show (review r7)
    assert confirm(phone, order_id, check_id, states)["status"] == "applied"
    assert json.loads(confirmations(db, check_id)[0]["corrections"]) == []  # nothing read yet to differ from
    path.rmdir()
    path.write_bytes(data)
    read_again(app, check_id)
    reading = reading_of(db, check_id)
    assert not reading.get("pending") and reading["leds"]
    stored = json.loads(confirmations(db, check_id)[0]["corrections"])
    assert stored and stored == checks.corrections(reading, states)


def test_taps_on_every_light_at_save_time_are_a_confirmation_record(login, order_id, db):  # noqa: F811
    tech = login("techa")
    phone = Phone(tech)
    sha = upload(tech, photo())
    check_id = str(uuid.uuid4())
    states = every_light_off()
    result = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": check_id, "model_id": MODEL,
                                                             "capture": "photo", "sha256": sha, "frames": 1,
                                                             "tapped": states})]).json["results"][0]
    assert result["status"] == "applied", result
    rows = confirmations(db, check_id)
    assert len(rows) == 1 and json.loads(rows[0]["states"]) == states
    # Made while the reading was pending (the job runs after the push): its corrections are the reading's.
    assert json.loads(rows[0]["corrections"]) == checks.corrections(reading_of(db, check_id), states) != []
    assert db.execute("SELECT confirmed_by FROM led_checks WHERE id = ?", [check_id]).fetchone()[0] == rows[0]["created_by"]
    # The push sent again changes nothing.
    again = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": check_id, "model_id": MODEL,
                                                            "capture": "photo", "sha256": sha, "frames": 1, "tapped": states})])
    assert again.json["results"][0]["status"] == "applied" and len(confirmations(db, check_id)) == 1


def test_after_a_reassignment_the_new_holder_confirms_again_beside_the_previous_technicians_record(
        login, user_ids, order_id, db):  # noqa: F811
    former = Phone(login("techa"))
    check_id = push_check(former, order_id, upload(former.session, photo()))
    first = every_light_off()
    assert confirm(former, order_id, check_id, first)["status"] == "applied"
    login("disp").post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techb"])})
    # The former holder can no longer confirm; the new one can, as a new record.
    second = [dict(s, state="on", color="green") if k == 0 else s for k, s in enumerate(first)]
    assert confirm(former, order_id, check_id, second)["status"] in ("rejected", "conflict")
    holder = Phone(login("techb"))
    assert confirm(holder, order_id, check_id, second)["status"] == "applied"
    rows = confirmations(db, check_id)
    assert [r["created_by"] for r in rows] == [user_ids["techa"], user_ids["techb"]]
    assert [json.loads(r["states"]) for r in rows] == [first, second]
    assert all(r["confirmed_at"] for r in rows)
    check = db.execute("SELECT confirmed, confirmed_by FROM led_checks WHERE id = ?", [check_id]).fetchone()
    assert json.loads(check[0]) == second and check[1] == user_ids["techb"]
    # The order page names who confirmed, and keeps the earlier confirmation for the record, in both languages.
    names = {row["id"]: row["display_name"] for row in db.query("SELECT id, display_name FROM users")}
    page = login("disp").get(f"/orders/{order_id}")
    assert page.status_code == 200
    assert f"由 {names[user_ids['techb']]} 确认" in page.text and f"此前由 {names[user_ids['techa']]} 确认" in page.text
    english = login("disp").get(f"/orders/{order_id}", headers={"Accept-Language": "en"}).text
    assert f"Confirmed by {names[user_ids['techb']]}" in english
    assert f"Earlier confirmation by {names[user_ids['techa']]}" in english
    # The holder's phone pulls who confirmed.
    pulled = next(c["data"] for c in holder.pull(None)["changes"] if c["table"] == "orders" and c["id"] == order_id)
    shown = next(c for c in pulled["led_checks"] if c["id"] == check_id)
    assert shown["confirmed_by"] == names[user_ids["techb"]] and len(shown["earlier_confirmations"]) == 1


def test_a_confirmation_keeps_which_lights_the_technician_tapped_and_refuses_a_bad_mark(login, order_id, db):  # noqa: F811
    """Review r52: a light one photo showed lit, tapped "on" by the technician, is their steady on ("tapped": true is
    kept with it; checks.photo_lit). Anything but a boolean there is refused in words, and nothing is kept."""
    tech = login("techa")
    phone = Phone(tech)
    check_id = push_check(phone, order_id, upload(tech, photo()))
    states = [dict(state, state="on", color=catalog.model(MODEL)["leds"][0]["colors"][0]) if k == 0 else state
              for k, state in enumerate(every_light_off())]
    for bad in ("yes", 1, None, [True], {"x": 1}):
        marked = [dict(states[0], tapped=bad)] + states[1:]
        result = confirm(phone, order_id, check_id, marked)
        label = states[0]["label"]
        assert result["status"] == "rejected" and "标记不清楚" in result["error"] and label in result["error"], (bad, result)
    assert confirmations(db, check_id) == []
    assert confirm(phone, order_id, check_id, [dict(states[0], tapped=True)] + states[1:])["status"] == "applied"
    kept = json.loads(confirmations(db, check_id)[0]["states"])
    assert kept[0]["tapped"] is True and all("tapped" not in state for state in kept[1:]), kept
    assert confirm(phone, order_id, check_id, [dict(states[0], tapped=False)] + states[1:])["status"] == "applied"
    assert "tapped" not in json.loads(confirmations(db, check_id)[1]["states"])[0]


def test_taps_saved_with_the_photo_may_say_tapped_and_lose_nothing(login, order_id, db):  # noqa: F811
    """The taps saved with a photo are all the technician's word: a "tapped": true among them is taken and not kept."""
    tech = login("techa")
    phone = Phone(tech)
    sha = upload(tech, photo())
    check_id = str(uuid.uuid4())
    taps = [dict(state, tapped=True) for state in every_light_off()]
    result = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": check_id, "model_id": MODEL,
                                                             "capture": "photo", "sha256": sha, "frames": 1,
                                                             "tapped": taps})]).json["results"][0]
    assert result["status"] == "applied", result
    assert json.loads(db.execute("SELECT tapped FROM led_checks WHERE id = ?", [check_id]).fetchone()[0]) == every_light_off()
