"""Sync, uploads and sessions against hostile and unlucky phones (issue 13): one test per kind of fault.

Each test is named for the kind of fault it catches and fails on the code before issue 13.
Responses are parsed with a strict JSON reader, as a browser's JSON.parse would: NaN or
Infinity anywhere is a failure.
"""
import base64
import datetime
import hashlib
import io
import json
import threading
import uuid

import pytest
from PIL import Image, ImageDraw

from tests.conftest import PASSWORD, Phone, Session, csrf_from
from tests.test_signoff import SURVEY, link_for, make_report, restored_order, sign, signature_png
from tests.test_sync import ORDER, order_id  # noqa: F401  (fixture)
from tests.test_uploads import Uploader, jpeg
from webapp import create_app
from webapp.auth.users import create_user
from webapp.db import connect, transaction
from webapp.signoff import report
from webapp.sync import uploads
from webapp.timeutil import to_text, utcnow


def strict(data):
    """Parse JSON the way a browser does: NaN, Infinity and -Infinity are errors."""
    def refuse(name):
        raise AssertionError(f"{name} in JSON sent to a browser")
    return json.loads(data, parse_constant=refuse)


def survey_args(order_id, **network):  # noqa: F811
    return {"order_id": order_id, "survey_id": str(uuid.uuid4()), "source": "typed",
            "networks": [{"ssid": "邻居A", "channel": 6, "signal_dbm": -60, **network}], "own_ssid": None}


def result_of(phone, name, args):
    response = phone.push([phone.mutation(name, args)])
    assert response.status_code == 200, response.text
    return response.json["results"][0]


def upload(session, data, content_type="image/jpeg"):
    response = Uploader(session).send(data, content_type)
    assert response.status_code in (200, 204), response.text
    return hashlib.sha256(data).hexdigest()


def new_order(login, user_ids, db, tech="techa", **changes):
    desk = login("disp")
    response = desk.post("/orders/new", {**ORDER, **changes, "technician_id": str(user_ids[tech])})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


# ---- 1. one bad number breaks a phone for good ----

def test_a_non_finite_number_is_never_accepted_stored_or_sent(login, order_id, db, app):  # noqa: F811
    phone = Phone(login("techa"))
    for bad in ("NaN", "Infinity", "-Infinity", "nan"):
        outcome = result_of(phone, "order.wifi_survey", survey_args(order_id, signal_dbm=bad))
        assert outcome["status"] == "rejected" and outcome["error"], bad
    # Bare NaN / Infinity / 1e999 in the body are not JSON a browser sends: refused whole, with a message.
    for literal in ("NaN", "Infinity", "1e999"):
        body = ('{"client_id": "%s", "mutations": [{"seq": 99, "mutation_id": "%s", "name": "order.wifi_survey",'
                ' "args": {"order_id": %d, "x": %s}}]}') % (phone.client_id, uuid.uuid4(), order_id, literal)
        response = phone.session.client.post("/api/sync/push", data=body, content_type="application/json",
                                             headers={"X-CSRFToken": phone.session.token})
        assert response.status_code == 400 and "有数字是 NaN、Infinity 或过大" in response.json["error"], response.json
    # Each other kind of refusal says its own reason (strict_json.Refused's), not the first one's.
    push_start = '{"client_id": "%s", "mutations": [{"seq": 99, "mutation_id": "%s", ' % (phone.client_id, uuid.uuid4())
    for body, reason in ((push_start + '"args": {"x": %s}}]}' % ("9" * 41), "有整数超过 40 位"),
                         (push_start + '"args": %s1%s}]}' % ("[" * 40, "]" * 40), "嵌套超过 32 层"),
                         (push_start[:-7], "不是有效的 JSON"),
                         (push_start.encode() + b'"args": {"x": "\xff\xfe"}}]}', "不是 UTF-8 文本")):
        response = phone.session.client.post("/api/sync/push", data=body, content_type="application/json",
                                             headers={"X-CSRFToken": phone.session.token})
        assert response.status_code == 400 and reason in response.json["error"], (body, response.json)
    assert db.execute("SELECT COUNT(*) FROM wifi_surveys").fetchone()[0] == 0
    # A survey stored before the fix (NaN in its text) never reaches a phone or the desk's chart as NaN.
    db.execute("INSERT INTO wifi_surveys (id, order_id, source, format, country, networks, recommendation, findings,"
               " created_at) VALUES ('old', ?, 'typed', 'typed', 'CN', ?, '{}', '[]', '2026-01-01T00:00:00Z')",
               [order_id, '[{"ssid": "x", "channel": 6, "band": "2.4", "signal_dbm": NaN, "width_mhz": 20}]'])
    pulled = phone.session.get(f"/api/sync/pull?client_id={phone.client_id}")
    assert pulled.status_code == 200
    strict(pulled.data)
    page = login("disp").get(f"/orders/{order_id}").text
    assert "NaN" not in page
    # A scan file with NaN is refused with a sentence that says why (the parser checks every number).
    scan = json.dumps({"networks": [{"bssid": "00:11:22:33:44:55", "ssid": "a", "channel": 6, "signal_dbm": "NaN"},
                                    {"bssid": "00:11:22:33:44:66", "ssid": "b", "channel": 1, "signal_dbm": -50}]})
    analysed = phone.session.client.post("/api/wifi/analyze", data={"scan": (io.BytesIO(scan.encode()), "scan.json")},
                                         headers={"X-CSRFToken": phone.session.token})
    assert analysed.status_code == 422, analysed.text
    answer = strict(analysed.data)
    assert "不是一个真实的数" in answer["error"] and "networks" not in answer


# ---- 2. other people's photos by hash ----

def test_a_foreign_blob_hash_can_neither_be_named_nor_probed(login, user_ids, db):
    theirs = new_order(login, user_ids, db, tech="techa")
    mine = new_order(login, user_ids, db, tech="techb")
    owner, thief = login("techa"), login("techb")
    photo = jpeg(colour=(10, 200, 10))
    sha = upload(owner, photo)
    # Asking about the hash does not tell the thief it exists: a fresh upload starts, as for any new photo.
    probe = Uploader(thief).create(photo)
    assert probe.status_code == 201 and probe.json["offset"] == 0 and "complete" not in probe.json
    assert Uploader(owner).create(photo).json == {"complete": True}  # the owner's own: already there
    phone = Phone(thief)
    attach = result_of(phone, "order.attach_photo", {"order_id": mine, "photo_id": str(uuid.uuid4()), "sha256": sha})
    never = result_of(phone, "order.attach_photo", {"order_id": mine, "photo_id": str(uuid.uuid4()), "sha256": "e" * 64})
    assert attach["status"] == "rejected" and attach["error"] == never["error"]  # the same words as a missing photo
    led = result_of(phone, "order.led_check", {"order_id": mine, "check_id": str(uuid.uuid4()), "model_id": "zte-f670l",
                                                "capture": "photo", "sha256": sha, "frames": 1})
    assert led["status"] == "rejected"
    assert thief.get(f"/api/blobs/{sha}").status_code == 404
    assert db.execute("SELECT COUNT(*) FROM attachments").fetchone()[0] == 0
    # Uploading the same bytes themselves makes the photo theirs too.
    upload(thief, photo)
    again = result_of(phone, "order.attach_photo", {"order_id": mine, "photo_id": str(uuid.uuid4()), "sha256": sha})
    assert again["status"] == "applied"
    assert theirs != mine


# ---- 3. a repeated mutation_id; ids scoped to their sender ----

def test_a_repeated_mutation_id_answers_the_original_result_and_ids_are_scoped_to_their_sender(login, user_ids, db):
    order_a = new_order(login, user_ids, db, tech="techa")
    order_b = new_order(login, user_ids, db, tech="techb")
    alice, bob = Phone(login("techa")), Phone(login("techb"))
    note_id = str(uuid.uuid4())
    first = alice.mutation("order.add_note", {"order_id": order_a, "note_id": note_id, "text": "一"})
    assert alice.push([first]).json["results"][0]["status"] == "applied"
    for _ in range(3):  # the same change under new numbers (a restored outbox): the original answer, every time
        repeat = {**alice.mutation("order.add_note", {"order_id": order_a, "note_id": str(uuid.uuid4()), "text": "二"}),
                  "mutation_id": first["mutation_id"]}
        response = alice.push([repeat])
        assert response.status_code == 200 and response.json["results"][0]["status"] == "applied"
    assert [r[0] for r in db.execute("SELECT text FROM order_notes")] == ["一"]
    # Bob reuses Alice's mutation id and note id: his own change applies, hers stays hers.
    copied = {**bob.mutation("order.add_note", {"order_id": order_b, "note_id": note_id, "text": "bob"}),
              "mutation_id": first["mutation_id"]}
    assert bob.push([copied]).json["results"][0]["status"] == "applied"
    assert sorted(r[0] for r in db.execute("SELECT text FROM order_notes")) == ["bob", "一"]
    # And Bob taking an id first does not lock Alice out of it.
    run_id = str(uuid.uuid4())
    taken = result_of(bob, "order.add_note", {"order_id": order_b, "note_id": run_id, "text": "bob first"})
    mine = result_of(alice, "order.add_note", {"order_id": order_a, "note_id": run_id, "text": "alice second"})
    assert taken["status"] == mine["status"] == "applied"
    assert db.execute("SELECT COUNT(*) FROM order_notes WHERE text = 'alice second'").fetchone()[0] == 1
    replay = result_of(alice, "order.add_note", {"order_id": order_a, "note_id": run_id, "text": "alice second"})
    assert replay["status"] == "applied" and db.execute("SELECT COUNT(*) FROM order_notes").fetchone()[0] == 4


# ---- 4. concurrent chunks of one upload ----

def test_concurrent_chunks_of_one_upload_are_serialised(app, login, db):
    sessions = [login("techa"), login("techa")]
    for attempt in range(7):
        data = jpeg(size=(900, 700), colour=(attempt * 30 % 255, 90, 160))
        created = Uploader(sessions[0]).create(data)
        upload_id, half = created.json["upload_id"], len(data) // 2
        gate, statuses = threading.Barrier(2), []

        def send(session):
            gate.wait()
            statuses.append(Uploader(session).patch(upload_id, 0, data[:half]).status_code)

        threads = [threading.Thread(target=send, args=(s,)) for s in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [204, 409], statuses
        last = Uploader(sessions[1]).patch(upload_id, half, data[half:])
        assert last.status_code == 204, last.text
        sha = hashlib.sha256(data).hexdigest()
        assert db.execute("SELECT COUNT(*) FROM blobs WHERE sha256 = ?", [sha]).fetchone()[0] == 1


# ---- 5. uploads exhaust disk and memory ----

def test_open_uploads_are_capped_per_person_and_unfinished_ones_expire(app, login, db):
    cap = app.config["UPLOAD_MAX_OPEN"]
    techa, techb = Uploader(login("techa")), Uploader(login("techb"))
    for n in range(cap):
        assert techa.create(b"x" * 1000, sha=f"{n:064x}").status_code == 201
    refused = techa.create(b"x" * 1000, sha="f" * 64)
    assert refused.status_code == 429 and refused.json["code"] == "busy" and refused.json["error"]
    assert techb.create(b"x" * 1000, sha="f" * 64).status_code == 201  # one person's backlog blocks no one else
    too_many_bytes = techb.create(b"x", sha="e" * 64)
    assert too_many_bytes.status_code == 201
    big = techb.session.client.post("/api/uploads", json={"sha256": "d" * 64, "size": 15 * 1024 * 1024,
                                                          "content_type": "image/jpeg"}, headers={"X-CSRFToken": techb.session.token})
    big_count = 1
    while big.status_code == 201:
        big_count += 1
        big = techb.session.client.post("/api/uploads", json={"sha256": f"{big_count:064x}"[::-1], "size": 15 * 1024 * 1024,
                                                              "content_type": "image/jpeg"}, headers={"X-CSRFToken": techb.session.token})
    assert big.status_code == 429 and big_count * 15 <= app.config["UPLOAD_MAX_OPEN_BYTES"] // 1024 // 1024 + 15
    # Unfinished uploads expire (the command; a new upload runs the same function, see below).
    db.execute("UPDATE uploads SET created_at = '2020-01-01T00:00:00Z' WHERE user_id = (SELECT id FROM users WHERE username = 'techa')")
    result = app.test_cli_runner().invoke(args=["uploads", "expire"])
    assert result.exit_code == 0 and f"expired unfinished uploads: {cap}" in result.output
    partial = uploads.blob_dir(app.config["BLOB_FOLDER"]) / "partial"
    assert len(list(partial.iterdir())) == db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0]
    assert techa.create(b"x" * 1000, sha="f" * 64).status_code == 201


def test_a_signal_no_radio_can_hear_is_refused_with_the_range(login, order_id, db, app):  # noqa: F811
    phone = Phone(login("techa"))
    for bad in (-1e308, 1e308, 500, -129, 21):
        outcome = result_of(phone, "order.wifi_survey", survey_args(order_id, signal_dbm=bad))
        assert outcome["status"] == "rejected" and "-128" in outcome["error"] and "dBm" in outcome["error"], bad
        assert "信号" in outcome["error"], outcome["error"]
    assert db.execute("SELECT COUNT(*) FROM wifi_surveys").fetchone()[0] == 0
    for edge in (-128, 20, -45.5):
        assert result_of(phone, "order.wifi_survey", survey_args(order_id, signal_dbm=edge))["status"] == "applied", edge


def test_image_decodes_wait_for_a_free_slot(app):
    data = jpeg(size=(400, 300))
    finished = threading.Event()

    def decode():
        uploads.reencode(data, "JPEG")
        finished.set()

    held = [uploads.decode_slot() for _ in range(uploads.DECODE_SLOTS)]
    for slot in held:
        slot.__enter__()
    worker = threading.Thread(target=decode)
    worker.start()
    try:
        assert not finished.wait(0.5), "a decode ran while every slot was taken"
    finally:
        for slot in held:
            slot.__exit__(None, None, None)
    assert finished.wait(10)
    worker.join()


# ---- 6. the customer link: image bombs, failed tries, PDFs made once ----

def png_of(size, draw=True):
    image = Image.new("L", size, 255)
    if draw:
        ImageDraw.Draw(image).line([(10, size[1] - 10), (size[0] - 10, 10)], fill=0, width=6)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def customer_form(page_text, png):
    return {"csrf_token": csrf_from(page_text), "signer_name": "钱女士", "solved": "yes", "attitude": "satisfied",
            "charged": "no", "score": "9", "suggestions": "", "signature": "data:image/png;base64," + base64.b64encode(png).decode()}


def test_a_signature_image_bomb_is_refused_and_signatures_are_downscaled_on_arrival(login, user_ids, db, app):
    order_id, phone = restored_order(login, user_ids, db)
    path = "/s/" + link_for(phone, order_id).json["url"].rsplit("/s/", 1)[1]
    customer = app.test_client()
    bomb = png_of((6300, 6300), draw=False)
    assert len(bomb) < 600 * 1024
    refused = customer.post(path, data=customer_form(customer.get(path).text, bomb))
    assert refused.status_code == 422 and db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 0
    wide = customer.post(path, data=customer_form(customer.get(path).text, png_of((3000, 1200))))
    assert wide.status_code == 303, wide.text
    width, height = db.execute("SELECT width, height FROM blobs").fetchone()
    assert width <= 2000 and height <= 800
    # Signed on a wide tablet and synced from the phone: kept as a downscaled copy too.
    tablet = png_of((2600, 900))
    sha = upload(phone.session, tablet, "image/png")
    assert sign(phone, order_id, make_report(db, order_id, sha))["status"] == "applied"
    kept = db.execute("SELECT b.width, b.height FROM signoffs s JOIN blobs b ON b.sha256 = s.signature_sha256"
                      " WHERE s.channel = 'onsite'").fetchone()
    assert kept[0] <= 2000 and kept[1] <= 800


def test_failed_customer_link_posts_use_the_link_up_and_it_signs_only_while_restored(login, user_ids, db, app):
    order_id, phone = restored_order(login, user_ids, db)
    path = "/s/" + link_for(phone, order_id).json["url"].rsplit("/s/", 1)[1]
    customer = app.test_client()
    for _ in range(5):
        response = customer.post(path, data={**customer_form(customer.get(path).text, signature_png()), "score": "0"})
        assert response.status_code == 422
    assert customer.get(path).status_code == 410  # spent: ask the technician for a new link
    fresh = "/s/" + link_for(phone, order_id).json["url"].rsplit("/s/", 1)[1]
    assert customer.get(fresh).status_code == 200
    assert phone.act(order_id, "returned", fields={"phenomenon": "无法上网", "arrival_time": "2026-11-22T09:00",
                                                   "cause": "入户皮线弯折", "handling_process": "重做皮线头", "equipment_replaced": "无",
                                                   "result": "recovered", "recovery_time": "2026-11-22T10:00",
                                                   "classification": "drop_cable", "holder_informed": True})["status"] == "applied"
    assert customer.get(fresh).status_code == 410
    assert db.execute("SELECT COUNT(*) FROM signoffs").fetchone()[0] == 0


def test_a_report_pdf_is_made_once_per_report_version_and_then_served_from_the_cache(login, user_ids, db, app):
    order_id, phone = restored_order(login, user_ids, db)
    sha = upload(phone.session, signature_png(), "image/png")
    assert sign(phone, order_id, make_report(db, order_id, sha))["status"] == "applied"
    row = next(iter(db.query("SELECT * FROM signoffs")))
    url = f"/r/{row['id']}/{report.report_token(app.config['SECRET_KEY'], row['id'])}/report.pdf"
    first = app.test_client().get(url)
    cache = uploads.blob_dir(app.config["BLOB_FOLDER"]) / "reports"
    assert first.status_code == 200 and len(list(cache.iterdir())) == 1
    stamp = next(cache.iterdir()).stat().st_mtime_ns
    second = app.test_client().get(url)
    assert second.data == first.data and next(cache.iterdir()).stat().st_mtime_ns == stamp  # served, not made again


# ---- 7. logout and password change end every session ----

def test_logout_and_a_password_change_end_every_session_of_that_person(app, login, db):
    laptop, phone = login("techa"), login("techa")
    assert phone.get("/api/session").status_code == 200
    assert laptop.post("/logout").status_code == 303
    assert phone.get("/api/session").status_code == 401  # the other cookie is dead too
    assert laptop.get("/api/session").status_code == 401
    first, second = login("techa"), login("techa")
    changed = first.post("/password", {"current": PASSWORD, "new": "new-horse-battery-9", "repeat": "new-horse-battery-9"})
    assert changed.status_code == 303
    assert second.get("/api/session").status_code == 401 and first.get("/api/session").status_code == 401
    client = app.test_client()
    page = client.get("/login")
    old = client.post("/login", data={"username": "techa", "password": PASSWORD, "csrf_token": csrf_from(page.text)})
    assert old.status_code == 401
    weak = login("techb").post("/password", {"current": PASSWORD, "new": "aaaaaaaaaa", "repeat": "aaaaaaaaaa"})
    assert weak.status_code == 422


# ---- 8. login throttling: by name and address together, growing delays, behind ProxyFix ----

def try_login(client, username, password, address):
    page = client.get("/login", headers={"X-Forwarded-For": address})
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
                       headers={"X-Forwarded-For": address})


def test_login_throttling_is_by_name_and_address_together_behind_the_proxy(tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "t.sqlite3"), "BLOB_FOLDER": str(tmp_path / "blobs"),
                      "SECRET_KEY": "test-secret-key-test-secret-key-0123", "PROXY_COUNT": 1})
    db = connect(app.config["DATABASE"])
    for name in ("techa", "techb"):
        create_user(db, name, PASSWORD, "technician", name)
    guesser = app.test_client()
    for name in ("anna", "bo", "chen", "dong", "techa"):  # 25 failures from one address (a proxy's, a depot's)
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            assert try_login(guesser, name, "wrong-password-1", "203.0.113.9").status_code == 401
    locked = try_login(guesser, "techa", PASSWORD, "203.0.113.9")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    # Everyone else behind the same proxy, and techa from her own phone, still log in.
    assert try_login(app.test_client(), "techb", PASSWORD, "203.0.113.9").status_code == 303
    assert try_login(app.test_client(), "techa", PASSWORD, "198.51.100.7").status_code == 303
    # The wait grows with each further failure: 1, 2, 4 … minutes, at most the window.
    from webapp.auth.users import wait_seconds
    now = utcnow()
    with transaction(db):
        for minutes_ago in range(8):
            db.conn.execute("INSERT INTO login_failures (username, ip, at) VALUES ('techb', '192.0.2.1', ?)",
                            [to_text(now - datetime.timedelta(seconds=8 - minutes_ago))])
    waits = []
    for extra in range(3):
        waits.append(wait_seconds(db, "techb", "192.0.2.1", now, 5 + extra, 15))
    assert waits[0] > waits[1] > waits[2] > 0 and waits[0] <= 15 * 60
    db.conn.close()


# ---- 9. signed content the phone made up ----

def test_a_signed_report_holds_the_servers_facts_not_what_the_phone_made_up(login, user_ids, db, app):
    order_id, phone = restored_order(login, user_ids, db)
    sha = upload(phone.session, signature_png(), "image/png")
    invented = make_report(db, order_id, sha, address="火星基地 1 号", technician="王经理", found="一切正常",
                           photos=["a" * 64], measurements=[{"what": "收光", "value": "-10 dBm"}])
    assert sign(phone, order_id, invented)["status"] == "applied"
    row = next(iter(db.query("SELECT * FROM signoffs")))
    stored = json.loads(row["report"])
    assert stored["address"] != "火星基地 1 号" and "东城区" in stored["address"]
    assert stored["technician"] == "技术员 A" and stored["photos"] == [] and stored["found"] != "一切正常"
    assert stored["survey"] == SURVEY and stored["signature_sha256"] == sha
    assert row["report_hash"] == report.digest(stored)
    details = json.loads(db.execute("SELECT details FROM order_events WHERE action = 'sign_off'").fetchone()[0])
    assert details["phone_hash_matches"] is False  # what the phone showed is kept as evidence, not as the record
    token = report.report_token(app.config["SECRET_KEY"], row["id"])
    page = app.test_client().get(f"/r/{row['id']}/{token}").text
    assert "火星基地" not in page and "与签字时完全一致" in page


# ---- 10. smaller holes ----

def test_a_refusal_names_no_order_the_sender_never_held(login, user_ids, db):
    order = new_order(login, user_ids, db, tech="techa")
    order_no = db.execute("SELECT order_no FROM orders WHERE id = ?", [order]).fetchone()[0]
    stranger = Phone(login("techb"))
    for name, args in (("order.transition", {"order_id": order, "to": "accepted"}),
                       ("order.add_note", {"order_id": order, "note_id": str(uuid.uuid4()), "text": "x"})):
        outcome = result_of(stranger, name, args)
        assert outcome["status"] == "rejected" and order_no not in json.dumps(outcome, ensure_ascii=False), outcome
        assert "server_row" not in outcome


def test_a_former_holder_cannot_add_runs_surveys_or_led_checks_after_a_reassignment(login, user_ids, db):
    order = new_order(login, user_ids, db, tech="techa")
    former = Phone(login("techa"))
    sha = upload(former.session, jpeg())
    login("disp").post("/dispatch/assign", {"order_id": str(order), "technician_id": str(user_ids["techb"])})
    run = {"order_id": order, "run_id": str(uuid.uuid4()), "playbook": "dialup", "version": None,
           "steps": [{"node": "D1", "answer": "691"}, {"node": "D691", "answer": "binding"}], "outcome": "binding_error"}
    from webapp.playbooks import engine
    run["version"] = engine.load()["version"]
    outcomes = [result_of(former, "order.record_run", run),
                result_of(former, "order.wifi_survey", survey_args(order)),
                result_of(former, "order.led_check", {"order_id": order, "check_id": str(uuid.uuid4()), "model_id": "zte-f670l",
                                                      "capture": "photo", "sha256": sha, "frames": 1})]
    assert all(o["status"] in ("rejected", "conflict") for o in outcomes), outcomes
    for table in ("diagnostic_runs", "desk_tasks", "wifi_surveys", "led_checks"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    # What the former holder wrote about their own visit (a note) is still kept.
    assert result_of(former, "order.add_note", {"order_id": order, "note_id": str(uuid.uuid4()), "text": "上次到场情况"})["status"] == "applied"


def test_a_dispatcher_cannot_record_a_supervisors_approval_without_the_supervisor(login, user_ids, db):
    order = new_order(login, user_ids, db, tech="techa")
    Phone(login("techa")).act(order, "accepted")
    desk = login("disp")
    suspension = {"customer_consent": "客户电话同意", "approver_id": str(user_ids["boss"]), "reason": "客户出差"}
    assert desk.post(f"/orders/{order}/act/suspend", suspension).status_code == 409
    assert db.execute("SELECT state FROM orders WHERE id = ?", [order]).fetchone()[0] == "accepted"
    login("boss").post(f"/orders/{order}/approve-suspension")
    assert desk.post(f"/orders/{order}/act/suspend", suspension).status_code == 303
    assert db.execute("SELECT state FROM orders WHERE id = ?", [order]).fetchone()[0] == "suspended"


def test_control_and_bidi_characters_never_reach_stored_text(login, order_id, db):  # noqa: F811
    phone = Phone(login("techa"))
    text = "付款给\u202eTNEMYAP\u202c 客户\u2066红\u2069"
    assert result_of(phone, "order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": text})["status"] == "applied"
    stored = db.execute("SELECT text FROM order_notes").fetchone()[0]
    assert not any(ch in stored for ch in "\u202e\u202c\u2066\u2069") and "TNEMYAP" in stored and "\ufffd" in stored
    survey = survey_args(order_id, ssid="evil\u202e\x1b]0;owned\x07")
    assert result_of(phone, "order.wifi_survey", survey)["status"] == "applied"
    networks = db.execute("SELECT networks FROM wifi_surveys").fetchone()[0]
    assert "\\u202e" not in networks.lower() and "\\u001b" not in networks.lower() and "\u202e" not in networks


def test_terminal_escapes_in_an_ssid_never_reach_the_wifi_command_output(app, tmp_path):
    scan = tmp_path / "scan.json"
    scan.write_text(json.dumps({"networks": [{"bssid": "00:11:22:33:44:55", "ssid": "x\x1b[2J\x1b]0;pwned\x07\u009b31m",
                                              "channel": 6, "signal_dbm": -50}]}))
    for extra in ([], ["--json"]):
        result = app.test_cli_runner().invoke(args=["wifi", "analyze", str(scan), *extra])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output and "\u009b" not in result.output


def test_ssids_and_security_strings_have_a_length_limit(login, order_id, db):  # noqa: F811
    phone = Phone(login("techa"))
    assert result_of(phone, "order.wifi_survey", survey_args(order_id, ssid="s" * 5000))["status"] == "rejected"
    assert result_of(phone, "order.wifi_survey", survey_args(order_id, security="WPA2" * 5000))["status"] == "rejected"
    assert result_of(phone, "order.wifi_survey", survey_args(order_id, ssid="s" * 32, security="WPA2-PSK"))["status"] == "applied"


def test_a_30_digit_id_or_deeply_nested_json_gets_a_4xx_not_a_500(app, login, order_id):  # noqa: F811
    app.config["PROPAGATE_EXCEPTIONS"] = False
    desk, tech = login("disp"), login("techa")
    huge = "1" * 30
    for url in (f"/orders/{huge}", f"/jobs/{huge}"):
        assert desk.get(url).status_code == 404
    assert desk.post(f"/orders/{huge}/notes", {"text": "x"}).status_code == 404
    link = tech.client.post("/api/signoff-links", json={"order_id": 10 ** 30}, headers={"X-CSRFToken": tech.token})
    assert link.status_code == 404
    assert tech.client.post("/api/signoff-links", json=[1], headers={"X-CSRFToken": tech.token}).status_code == 404
    deep = '{"client_id": "abcdefgh-1234", "mutations": ' + "[" * 5000 + "]" * 5000 + "}"
    response = tech.client.post("/api/sync/push", data=deep, content_type="application/json", headers={"X-CSRFToken": tech.token})
    assert response.status_code == 400 and response.json["error"]
    args = {"order_id": order_id, "note_id": "deep-1", "text": "x", "more": json.loads("[" * 20 + "]" * 20)}
    phone = Phone(tech)
    assert phone.push([phone.mutation("order.add_note", args)]).status_code == 200


def test_a_damaged_upload_is_answered_with_a_code_the_phone_acts_on(login):
    up = Uploader(login("techa"))
    data = jpeg()
    created = up.create(data)
    damaged = up.patch(created.json["upload_id"], 0, b"\x00" * len(data))
    assert damaged.status_code == 422 and damaged.json["code"] == "damaged"
    assert up.create(data).status_code == 201  # started again from nothing
    not_a_photo = b"this is not an image, whatever it claims" * 10
    created = up.create(not_a_photo)
    refused = up.patch(created.json["upload_id"], 0, not_a_photo)
    assert refused.status_code == 422 and refused.json["code"] == "refused"


def test_a_batch_too_large_is_refused_with_a_code_and_a_too_large_change_uses_up_its_number(login, order_id, db):  # noqa: F811
    phone = Phone(login("techa"))
    big = [phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "字" * 2000})
           for _ in range(200)]
    response = phone.push(big)
    assert response.status_code == 413 and response.json["code"] == "too_large" and response.json["error"]
    phone.seq = 0
    placeholder = {**phone.mutation("sync.too_large", {"name": "order.add_note"}), "mutation_id": str(uuid.uuid4())}
    after = phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "next"})
    answer = phone.push([placeholder, after]).json
    assert answer["last_seq"] == 2 and [r["status"] for r in answer["results"]] == ["rejected", "applied"]
    assert answer["results"][0]["error"]


def test_pages_and_json_with_customer_data_are_not_cached_and_the_server_names_no_software(live_server, login):
    import urllib.request
    with urllib.request.urlopen(live_server + "/login") as response:
        assert response.headers["Cache-Control"] == "no-store"
        assert "werkzeug" not in response.headers.get("Server", "").lower()
        assert "python" not in response.headers.get("Server", "").lower()
    tech = login("techa")
    assert tech.get("/api/session").headers["Cache-Control"] == "no-store"
    assert tech.get("/jobs/").headers["Cache-Control"] == "no-store"
    assert login("disp").get("/dispatch/").headers.get("Cache-Control") == "no-store"


def test_production_refuses_a_guessable_secret_and_create_user_a_guessable_password(tmp_path, app):
    for secret in (" " * 32, "a" * 40, "0123" * 10):
        with pytest.raises(RuntimeError):
            create_app({"ENV_NAME": "production", "SECRET_KEY": secret, "DATABASE": str(tmp_path / "p.sqlite3")})
    result = app.test_cli_runner().invoke(args=["create-user", "weak", "--role", "technician", "--password", "aaaaaaaaaa"])
    assert result.exit_code != 0 and "password" in result.output
    db = connect(app.config["DATABASE"])
    assert db.execute("SELECT COUNT(*) FROM users WHERE username = 'weak'").fetchone()[0] == 0
    db.conn.close()


def test_a_session_from_before_the_fix_has_no_version_and_logs_in_again(app, login):
    tech = login("techa")
    with tech.client.session_transaction() as session:
        session.pop("session_version")
    assert tech.get("/api/session").status_code == 401
    assert Session(app, "techa").get("/api/session").status_code == 200


# ---- review of issue 13: a confirmation lands on the sender's own LED check, never on a namesake ----

def test_an_led_confirmation_of_a_colliding_check_id_changes_only_the_senders_check(login, user_ids, db):
    from tests import led_render
    from tests.test_led import sheet_of  # noqa: F401  (same helpers as the LED sync tests)
    first, second = new_order(login, user_ids, db, tech="techa"), new_order(login, user_ids, db, tech="techb")
    check_id = str(uuid.uuid4())
    readings = {}
    for tech, order in (("techa", first), ("techb", second)):
        phone = Phone(login(tech))
        case = led_render.make_case(31, "single", model_id="zte-f670l")
        sha = upload(phone.session, case["photos"][0])
        outcome = result_of(phone, "order.led_check", {"order_id": order, "check_id": check_id, "model_id": "zte-f670l",
                                                        "capture": "photo", "sha256": sha, "frames": 1})
        assert outcome["status"] == "applied", outcome
        readings[tech] = (phone, case)
    phone, case = readings["techb"]
    states = [{"label": t["label"], "state": "off", "color": None} for t in case["truth"]]
    outcome = result_of(phone, "order.led_confirm", {"order_id": second, "confirm_id": str(uuid.uuid4()),
                                                     "check_id": check_id, "states": states})
    assert outcome["status"] == "applied", outcome
    confirmed = dict(db.execute("SELECT order_id, confirmed FROM led_checks").fetchall())
    assert confirmed[first] is None  # techa's check, on an order techb never saw, is untouched
    assert json.loads(confirmed[second]) == states
    (target,) = db.execute("SELECT check_id FROM led_confirmations").fetchone()
    assert db.execute("SELECT order_id FROM led_checks WHERE id = ?", [target]).fetchone()[0] == second


def test_abandoned_uploads_expire_without_anyone_running_the_command(app, login, db):
    """A phone that lost its half-sent photos must not be stuck at "busy" until someone runs a command."""
    cap = app.config["UPLOAD_MAX_OPEN"]
    techa = Uploader(login("techa"))
    for n in range(cap):
        assert techa.create(b"x" * 1000, sha=f"{n:064x}").status_code == 201
    assert techa.create(b"x" * 1000, sha="f" * 64).status_code == 429
    db.execute("UPDATE uploads SET created_at = '2020-01-01T00:00:00Z'")
    assert techa.create(b"x" * 1000, sha="f" * 64).status_code == 201
    partial = uploads.blob_dir(app.config["BLOB_FOLDER"]) / "partial"
    assert len(list(partial.iterdir())) == db.execute("SELECT COUNT(*) FROM uploads").fetchone()[0] == 1


def test_a_lone_surrogate_in_a_change_is_kept_as_a_mark_not_a_500_that_sticks_the_outbox(login, order_id, db):  # noqa: F811
    """JSON.stringify writes a string cut in the middle of an emoji as a lone "\\ud83d": a 5xx would be retried forever."""
    phone = Phone(login("techa"))
    body = ('{"client_id": "%s", "mutations": [{"seq": 1, "mutation_id": "%s", "name": "order.add_note",'
            ' "args": {"order_id": %d, "note_id": "n-\\ud83d", "text": "cut emoji \\ud83d|\\ude00|"}}]}'
            ) % (phone.client_id, uuid.uuid4(), order_id)
    response = phone.session.client.post("/api/sync/push", data=body, content_type="application/json",
                                         headers={"X-CSRFToken": phone.session.token})
    assert response.status_code == 200, response.text
    assert response.json["results"][0]["status"] == "applied", response.json
    (text,) = db.execute("SELECT text FROM order_notes WHERE order_id = ? AND text LIKE 'cut emoji%'", [order_id]).fetchone()
    assert text == "cut emoji \ufffd|\ufffd|"


def test_a_report_link_with_a_non_ascii_token_is_not_found_not_a_500(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    for path in ("/r/abc/%C3%A9", "/r/abc/%C3%A9/report.pdf", "/r/abc/t%C3%A9/customer.png", "/r/abc/%E4%B8%AD/tester.png"):
        assert client.get(path).status_code == 404, path


def test_a_date_at_the_edge_of_the_calendar_is_refused_with_a_reason_not_a_batch_wide_404(login, order_id, db):  # noqa: F811
    """0001-01-01 in Shanghai is before year 1 in UTC: storing it overflowed, and the whole push answered 404,
    which the phone cannot get past (its outbox is stuck on that change)."""
    phone = Phone(login("techa"))
    seen = db.execute("SELECT version FROM orders WHERE id = ?", [order_id]).fetchone()[0]
    assert result_of(phone, "order.transition", {"order_id": order_id, "to": "accepted"} | {})["status"] == "applied"
    for start, end in (("0001-01-01T00:00", "2099-01-01T11:00"), ("9999-12-31T22:00", "9999-12-31T23:59")):
        response = phone.push([phone.mutation("order.transition", {"order_id": order_id, "to": "appointed", "fields": {
            "appointment_start": start, "appointment_end": end}}, base_version=seen + 1)])
        assert response.status_code == 200, response.text
        outcome = response.json["results"][0]
        assert outcome["status"] == "rejected" and outcome["error"], outcome
    assert db.execute("SELECT state FROM orders WHERE id = ?", [order_id]).fetchone()[0] == "accepted"


def test_the_password_change_form_is_throttled_like_the_login(app, login):
    """A borrowed, unlocked session must not guess the current password without limit (and then take the account)."""
    session = login("techa")
    wrong = {"current": "not-it-0", "new": "new-horse-battery-9", "repeat": "new-horse-battery-9"}
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert session.post("/password", wrong).status_code == 422
    right = session.post("/password", {**wrong, "current": PASSWORD})
    assert right.status_code == 429 and right.headers["Retry-After"]
    assert session.get("/api/session").status_code == 200  # nothing changed: the old password still holds


def test_a_single_photo_with_a_wrong_frame_count_is_told_about_photos_not_bursts(login, user_ids, db):
    """Review r11: order.led_check {capture: photo, frames: -1} was refused with the burst's rule ("a burst has 10 to 90
    frames"), which the technician did not take."""
    order = new_order(login, user_ids, db, tech="techa")
    client = login("techa")
    sha = upload(client, jpeg(colour=(10, 200, 10)))
    phone = Phone(client)
    for frames in (-1, 0, 2, True, "1"):
        led = result_of(phone, "order.led_check", {"order_id": order, "check_id": str(uuid.uuid4()), "model_id": "zte-f670l",
                                                    "capture": "photo", "sha256": sha, "frames": frames})
        assert led["status"] == "rejected" and "burst" not in led["error"] and "连拍" not in led["error"], (frames, led)


def test_a_phone_clock_at_year_one_is_kept_as_a_readable_time(login, order_id, db):  # noqa: F811
    """A note sent with the phone's clock at 0001-01-01 takes the server's time (it is before the order), and the audit
    keeps the phone's time as sent, in four-digit years: strftime wrote "1-01-01T00:00:00Z", which neither
    datetime.fromisoformat nor an SQL sort reads as a time (a fresh review of 2026-12-05)."""
    phone = Phone(login("techa"))
    note = phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "clock"},
                          occurred_at="0001-01-01T00:00:00Z")
    assert phone.push([note]).json["results"][0]["status"] == "applied"
    details = json.loads(db.execute("SELECT details FROM order_events WHERE order_id = ? ORDER BY id DESC LIMIT 1",
                                    [order_id]).fetchone()[0])
    assert details["device_time"] == "0001-01-01T00:00:00Z" and details["device_time_ignored"], details
    assert datetime.datetime.fromisoformat(details["device_time"]).year == 1
    assert login("disp").get(f"/orders/{order_id}").status_code == 200


def test_each_refusal_of_the_strict_json_reader_says_its_kind():
    """strict_json.Refused carries why (the push's sentence is chosen by it, sync/routes.py _refused_json); bodies in
    UTF-16 or UTF-32 are refused like any bytes that are not UTF-8 (RFC 8259 8.1), a UTF-8 byte order mark is not."""
    from webapp import strict_json
    for text, reason in (('{"x": NaN}', "number"), ('{"x": 1e999}', "number"), ('[%s]' % ("9" * 41), "digits"),
                         ("[" * 40 + "]" * 40, "nesting"), ('{"x": ', "syntax"), (b'{"x": "\xff"}', "encoding"),
                         ('{"x": 1}'.encode("utf-16"), "encoding"), ('{"x": 1}'.encode("utf-32"), "encoding"),
                         ('{"x": 1}'.encode("utf-16-le"), "syntax")):  # NULs between ASCII: UTF-8, not JSON
        with pytest.raises(strict_json.Refused) as refused:
            strict_json.loads(text)
        assert refused.value.reason == reason, text
    assert strict_json.loads(b'\xef\xbb\xbf{"x": 1}') == {"x": 1}
