"""Sign-off: the report hash, the sign_off mutation, the customer's link, the PDF; callback rules."""
import base64
import datetime
import hashlib
import io
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw

from tests.conftest import Phone, csrf_from
from tests.test_uploads import Uploader
from webapp.db import transaction
from webapp.signoff import callbacks, report
from webapp.timeutil import utcnow

ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "钱女士", "contact_name": "钱女士", "contact_phone": "13912345678", "district": "东城区",
         "community": "幸福里"}
SURVEY = {"solved": True, "attitude": "satisfied", "charged": False, "score": 10, "suggestions": "很好"}


def signature_png(text="钱"):
    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).line([(10, 80), (80, 20), (150, 70), (290, 30)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def restored_order(login, user_ids, db, access_type="ftth", contact_phone="13912345678"):
    desk = login("disp")
    line = {"customer_grade": "diamond", "line_scope": "local", "enterprise_service": "internet_access",
            "circuit_id": "GZ-ZX-000123"} if access_type == "enterprise" else {}
    response = desk.post("/orders/new", {**ORDER, **line, "access_type": access_type, "contact_phone": contact_phone,
                                         "technician_id": str(user_ids["techa"])})
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    phone = Phone(login("techa"))
    phone.restore(order_id)
    return order_id, phone


def make_report(db, order_id, sha, **changes):
    order = next(iter(db.query("SELECT * FROM orders WHERE id = ?", [order_id])))
    body = {"operator": "示例宽带运营商", "order_no": order["order_no"], "order_version": order["version"],
            "customer": order["customer_name"], "address": "东城区 幸福里", "technician": "技术员 A",
            "found": "入户皮线弯折", "done": "重做两端皮线光缆头",
            "measurements": [{"what": "光猫收光功率", "value": "-29.5 dBm · 过弱"}], "photos": [],
            "signer": "钱女士", "signer_role": "customer", "survey": SURVEY, "signature_sha256": sha,
            "signed_at": "2026-11-22T10:30:00Z"}
    body.update(changes)
    return body


def sign(phone, order_id, body, **extra):
    args = {"order_id": order_id, "signoff_id": str(uuid.uuid4()), "report": body, "report_hash": report.digest(body),
            "signature_sha256": body["signature_sha256"], "signer_name": body["signer"], "survey": body["survey"],
            "remarks": body["done"], **extra}
    return phone.push([phone.mutation("order.sign_off", args)]).json["results"][0]


@pytest.mark.parametrize("field", report.REPORT_KEYS)
def test_the_hash_changes_when_any_signed_field_changes(field):
    base = {key: f"value of {key}" for key in report.REPORT_KEYS}
    changed = {**base, field: base[field] + "!"}
    assert report.digest(changed) != report.digest(base)
    assert report.digest(json.loads(report.canonical(base))) == report.digest(base)  # re-verifiable from storage


def test_a_signed_report_is_stored_as_signed_and_re_verified(login, user_ids, db, app):
    order_id, phone = restored_order(login, user_ids, db)
    png = signature_png()
    Uploader(phone.session).send(png, "image/png")
    sha = hashlib.sha256(png).hexdigest()
    body = make_report(db, order_id, sha)
    assert sign(phone, order_id, body)["status"] == "applied"
    row = next(iter(db.query("SELECT * FROM signoffs")))
    stored = json.loads(row["report"])
    assert row["version"] == 1 and row["report_hash"] == report.digest(stored)
    assert stored["remarks"] == "重做两端皮线光缆头" and stored["survey"] == SURVEY and stored["signature_sha256"] == sha
    # The desk and the customer's link see it verified; a later change to the order leaves it as signed.
    token = report.report_token(app.config["SECRET_KEY"], row["id"])
    page = app.test_client().get(f"/r/{row['id']}/{token}")
    assert page.status_code == 200 and "与签字时完全一致" in page.text and row["report_hash"] in page.text
    assert phone.act(order_id, "returned", fields={"phenomenon": "无法上网", "arrival_time": "2026-11-22T09:00",
                                                   "cause": "入户皮线弯折", "handling_process": "重做皮线头", "equipment_replaced": "无",
                                                   "result": "recovered", "recovery_time": "2026-11-22T10:00",
                                                   "classification": "drop_cable", "holder_informed": True})["status"] == "applied"
    page = app.test_client().get(f"/r/{row['id']}/{token}")
    assert "签字后有变更" in page.text and "重做两端皮线光缆头" in page.text
    # Signing again makes version 2; version 1 stays.
    body2 = make_report(db, order_id, sha, signed_at="2026-11-22T11:00:00Z")
    assert sign(phone, order_id, body2)["status"] == "applied"
    assert [r["version"] for r in db.query("SELECT version FROM signoffs ORDER BY version")] == [1, 2]
    assert "更新的签字版本" in app.test_client().get(f"/r/{row['id']}/{token}").text
    # Tampering with the stored report is caught.
    db.execute("UPDATE signoffs SET report = replace(report, '钱女士', '李先生') WHERE id = ?", [row["id"]])
    assert "已被改动" in app.test_client().get(f"/r/{row['id']}/{token}").text
    assert app.test_client().get(f"/r/{row['id']}/{'0' * 32}").status_code == 404


def test_sign_offs_that_do_not_hold_together_are_refused(login, user_ids, db):
    order_id, phone = restored_order(login, user_ids, db)
    png = signature_png()
    Uploader(phone.session).send(png, "image/png")
    sha = hashlib.sha256(png).hexdigest()
    body = make_report(db, order_id, sha)
    assert sign(phone, order_id, make_report(db, order_id, sha, order_no="WO-OTHER"))["status"] == "rejected"
    assert sign(phone, order_id, make_report(db, order_id, "f" * 64))["status"] == "rejected"  # signature never uploaded
    assert sign(phone, order_id, make_report(db, order_id, sha, survey={**SURVEY, "score": 11}))["status"] == "rejected"
    assert db.execute("SELECT COUNT(*) FROM signoffs").fetchone()[0] == 0


@pytest.mark.parametrize("key", ["signature_sha256", "tester_signature_sha256"])
@pytest.mark.parametrize("value", [[], {}, [1, "a"], {"sha": "f" * 64}], ids=["empty-list", "empty-object", "list", "object"])
def test_a_signature_named_by_a_list_or_an_object_is_refused_and_the_queue_moves_on(login, user_ids, db, key, value):
    """Fresh review: a sign-off whose signature was a list or an object was a TypeError before the push's transaction
    (prepare_signatures put it in a set): a 500 for the whole batch, every resend alike, and nothing queued behind it on
    that phone ever synced. It is refused on its own; the change after it in the same batch is applied."""
    order_id, phone = restored_order(login, user_ids, db)
    png = signature_png()
    Uploader(phone.session).send(png, "image/png")
    body = make_report(db, order_id, hashlib.sha256(png).hexdigest())
    args = {"order_id": order_id, "signoff_id": str(uuid.uuid4()), "report": body, "report_hash": report.digest(body),
            "signature_sha256": body["signature_sha256"], "signer_name": body["signer"], "survey": body["survey"],
            key: value}
    note = {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "客户不在家，约了明天"}
    response = phone.push([phone.mutation("order.sign_off", args), phone.mutation("order.add_note", note)])
    assert response.status_code == 200, response.text
    first, second = response.json["results"]
    if key == "signature_sha256":
        assert first["status"] == "rejected" and first["error"], first
        assert db.execute("SELECT COUNT(*) FROM signoffs").fetchone()[0] == 0
    else:  # a home broadband order has no tester's signature: the customer's own is signed
        assert first["status"] in ("applied", "rejected"), first
    assert second["status"] == "applied", second


def test_an_enterprise_sign_off_needs_the_signed_test_report(login, user_ids, db):
    order_id, phone = restored_order(login, user_ids, db, access_type="enterprise")
    png = signature_png()
    Uploader(phone.session).send(png, "image/png")
    sha = hashlib.sha256(png).hexdigest()
    assert sign(phone, order_id, make_report(db, order_id, sha))["status"] == "rejected"
    free_text = make_report(db, order_id, sha, test_report={"tester": "技术员 A", "tester_signature_sha256": sha,
                                                              "indicators": [{"name": "丢包率", "value": "0%"}]})
    assert sign(phone, order_id, free_text, tester_signature_sha256=sha)["status"] == "rejected"  # the template's, now
    values = {"rx_power_dbm": -20, "dns_latency_ms": 12, "core_ping_loss_pct": 0}  # tests/test_enterprise_test_report.py
    body = make_report(db, order_id, sha, test_report={"values": values})
    assert sign(phone, order_id, body, tester_signature_sha256=sha)["status"] == "applied"


def test_not_restored_yet_cannot_be_signed(login, user_ids, db):
    desk = login("disp")
    response = desk.post("/orders/new", {**ORDER, "technician_id": str(user_ids["techa"])})
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    phone = Phone(login("techa"))
    png = signature_png()
    Uploader(phone.session).send(png, "image/png")
    result = sign(phone, order_id, make_report(db, order_id, hashlib.sha256(png).hexdigest()))
    assert result["status"] == "rejected" and "恢复后" in result["error"]


def link_for(phone, order_id):
    return phone.session.client.post("/api/signoff-links", json={"order_id": order_id}, headers={"X-CSRFToken": phone.session.token})


def test_the_customers_own_phone_signs_once_through_an_expiring_link(login, user_ids, db, app):
    order_id, phone = restored_order(login, user_ids, db)
    assert link_for(Phone(login("techb")), order_id).status_code == 404
    created = link_for(phone, order_id)
    assert created.status_code == 201 and "<svg" in created.json["qr_svg"]
    path = "/s/" + created.json["url"].rsplit("/s/", 1)[1]
    customer = app.test_client()
    page = customer.get(path)
    assert page.status_code == 200 and "钱女士" in page.text
    assert "我的工单" not in page.text and "调度台" not in page.text  # one visit, nothing else
    data_url = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    form = {"csrf_token": csrf_from(page.text), "signer_name": "钱女士", "solved": "yes", "attitude": "satisfied",
            "charged": "no", "score": "9", "suggestions": "", "signature": data_url}
    missing = customer.post(path, data={**form, "signature": ""})
    assert missing.status_code == 422 and "签名" in missing.text
    done = customer.post(path, data=form)
    assert done.status_code == 303 and done.headers["Location"].startswith("/r/")
    row = next(iter(db.query("SELECT * FROM signoffs")))
    assert row["channel"] == "link" and json.loads(row["survey"])["score"] == 9
    assert report.digest(json.loads(row["report"])) == row["report_hash"]
    used = customer.get(path)
    assert used.status_code == 410 and "已通过这个链接签过字" in used.text
    assert customer.post(path, data=form).status_code == 410
    forged = customer.get("/s/" + "x" * 43)
    assert forged.status_code == 404 and "链接无效" in forged.text
    expired = link_for(phone, order_id).json["url"].rsplit("/s/", 1)[1]
    db.execute("UPDATE signoff_links SET expires_at = '2020-01-01T00:00:00Z' WHERE used_at IS NULL")
    gone = customer.get(f"/s/{expired}")
    assert gone.status_code == 410 and "已过期" in gone.text


def test_the_report_pdf_has_the_chinese_text_the_signature_and_the_hash(login, user_ids, db, app):
    import pypdfium2 as pdfium
    order_id, phone = restored_order(login, user_ids, db)
    png = signature_png()
    Uploader(phone.session).send(png, "image/png")
    body = make_report(db, order_id, hashlib.sha256(png).hexdigest())
    sign(phone, order_id, body)
    row = next(iter(db.query("SELECT * FROM signoffs")))
    token = report.report_token(app.config["SECRET_KEY"], row["id"])
    response = app.test_client().get(f"/r/{row['id']}/{token}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    document = pdfium.PdfDocument(response.data)
    text = document[0].get_textpage().get_text_range()
    assert "钱女士" in text and "重做两端皮线光缆头" in text and row["report_hash"] in text.replace("\r", "").replace("\n", "")
    images = [o for o in document[0].get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    assert images, "the signature is drawn on the page"
    image = document[0].render(scale=1).to_pil()
    assert image.size[0] > 500
    document.close()


# ---- callbacks, table-driven ----

def returned_order(login, user_ids, db, app, window, contact_phone="13912345678", signed_survey=None):
    app.config["CALLBACK_WINDOW_DAYS"] = window
    order_id, phone = restored_order(login, user_ids, db, contact_phone=contact_phone)
    if signed_survey:
        png = signature_png()
        Uploader(phone.session).send(png, "image/png")
        assert sign(phone, order_id, make_report(db, order_id, hashlib.sha256(png).hexdigest(), survey=signed_survey))["status"] == "applied"
    closure = {"phenomenon": "无法上网", "arrival_time": "2026-11-22T09:00", "cause": "入户皮线弯折", "handling_process": "重做皮线头",
               "equipment_replaced": "无", "result": "recovered", "recovery_time": "2026-11-22T10:00", "classification": "drop_cable",
               "holder_informed": True}
    assert phone.act(order_id, "returned", fields=closure)["status"] == "applied"
    return order_id


@pytest.mark.parametrize("window, contact, signed, status, reason", [
    (1, "13912345678", None, "due", None),
    (3, "13912345678", None, "due", None),
    (1, "13912345678", SURVEY, "exempt", "confirmed_on_site"),
    (1, "13912345678", {**SURVEY, "score": 8}, "due", None),  # 8 is not satisfied under the 10-point rule
    (1, "13912345678", {**SURVEY, "attitude": "average"}, "due", None),
])
def test_a_returned_order_gets_its_callback(login, user_ids, db, app, window, contact, signed, status, reason):
    order_id = returned_order(login, user_ids, db, app, window, contact, signed)
    row = next(iter(db.query("SELECT * FROM callbacks WHERE order_id = ?", [order_id])))
    assert (row["status"], row["exempt_reason"]) == (status, reason)
    due = datetime.datetime.fromisoformat(row["due_at"]) - datetime.datetime.fromisoformat(row["created_at"])
    assert due == datetime.timedelta(days=window)


def test_no_contact_means_no_callback(db):
    with transaction(db):
        db.conn.execute("INSERT INTO orders (order_no, order_type, access_type, symptom, state, customer_name, contact_phone,"
                        " district, created_at, updated_at) VALUES ('WO-X', 'repair', 'ftth', 'slow', 'returned', '匿名', '',"
                        " '东城区', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
        order = next(iter(db.query("SELECT * FROM orders WHERE order_no = 'WO-X'")))
        assert callbacks.exemption(db, order, 10) == "no_contact"


@pytest.mark.parametrize("answers, threshold, result", [
    ({"solved": True, "attitude": "satisfied", "score": 10}, 10, "satisfied"),
    ({"solved": True, "attitude": "satisfied", "score": 9}, 10, "basically"),
    ({"solved": True, "attitude": "satisfied", "score": 9}, 9, "satisfied"),
    ({"solved": True, "attitude": "average", "score": 10}, 10, "dissatisfied"),  # seed 000: "dissatisfied/average"
    ({"solved": True, "attitude": "dissatisfied", "score": 10}, 10, "dissatisfied"),
    ({"solved": False, "attitude": "satisfied", "score": 10}, 10, "dissatisfied"),
    ({"solved": True, "attitude": "satisfied", "score": 5}, 10, "dissatisfied"),
])
def test_answers_give_satisfied_basically_or_dissatisfied(answers, threshold, result):
    assert callbacks.classify(answers, threshold) == result


def answer(desk, callback_id, **fields):
    page = desk.get(f"/callbacks/{callback_id}")
    assert page.status_code == 200
    # rest_hours_agreed: the call may fall in the customer's rest time whenever the suite runs.
    return desk.post(f"/callbacks/{callback_id}", {"outcome": "answers", "charged": "no", "suggestions": "",
                                                   "rest_hours_agreed": "y", **fields})


@pytest.mark.parametrize("fields, state, followup, new_order, repeat", [
    ({"solved": "yes", "attitude": "satisfied", "score": "10"}, "closed", None, False, False),
    ({"solved": "yes", "attitude": "satisfied", "score": "8", "cause": "technician"}, "closed", None, False, False),
    ({"solved": "yes", "attitude": "dissatisfied", "score": "7", "cause": "technician"}, "closed", "supervisor_fix", False, False),
    ({"solved": "yes", "attitude": "satisfied", "score": "3", "cause": "business"}, "closed", "marketing", False, False),
    ({"solved": "yes", "attitude": "satisfied", "score": "4", "cause": "network"}, "closed", "revisit", True, False),
    ({"solved": "no", "attitude": "satisfied", "score": "6", "cause": "network"}, "closed", "revisit", True, True),
    ({"solved": "no", "attitude": "dissatisfied", "score": "1", "cause": "technician"}, "closed", "supervisor_fix", True, True),
])
def test_callback_answers_close_the_order_or_bring_it_back(login, user_ids, db, app, fields, state, followup, new_order, repeat):
    order_id = returned_order(login, user_ids, db, app, 1)
    callback_id = db.execute("SELECT id FROM callbacks WHERE order_id = ?", [order_id]).fetchone()[0]
    response = answer(login("disp"), callback_id, **fields)
    assert response.status_code == 303, response.text
    assert db.execute("SELECT state FROM orders WHERE id = ?", [order_id]).fetchone()[0] == state
    kinds = [r[0] for r in db.execute("SELECT kind FROM order_followups WHERE order_id = ?", [order_id])]
    assert kinds == ([followup] if followup else [])
    linked = list(db.query("SELECT * FROM orders WHERE parent_order_id = ?", [order_id]))
    assert bool(linked) == new_order
    if linked:
        assert linked[0]["is_repeat"] == int(repeat)
    assert db.execute("SELECT status FROM callbacks WHERE id = ?", [callback_id]).fetchone()[0] == "done"


def test_dissatisfied_needs_a_cause_and_not_now_books_outside_rest_hours(login, user_ids, db, app):
    order_id = returned_order(login, user_ids, db, app, 1)
    callback_id = db.execute("SELECT id FROM callbacks WHERE order_id = ?", [order_id]).fetchone()[0]
    desk = login("disp")
    no_cause = answer(desk, callback_id, solved="no", attitude="dissatisfied", score="2")
    assert no_cause.status_code == 422 and "原因" in no_cause.text
    tomorrow = (datetime.datetime.now(ZoneInfo("Asia/Shanghai")) + datetime.timedelta(days=1)).date()
    rest = desk.post(f"/callbacks/{callback_id}", {"outcome": "later", "booked_for": f"{tomorrow}T12:30"})
    assert rest.status_code == 422 and "休息时间" in rest.text
    ok = desk.post(f"/callbacks/{callback_id}", {"outcome": "later", "booked_for": f"{tomorrow}T15:00"})
    assert ok.status_code == 303
    row = next(iter(db.query("SELECT * FROM callbacks WHERE id = ?", [callback_id])))
    assert row["status"] == "booked" and row["attempts"] == 1
    assert login("techa").get(f"/callbacks/{callback_id}").status_code == 403


def test_the_console_shows_satisfaction_callbacks_due_overdue_and_repeats(login, user_ids, db, app):
    first = returned_order(login, user_ids, db, app, 1)
    second = returned_order(login, user_ids, db, app, 1)
    desk = login("disp")
    answer(desk, db.execute("SELECT id FROM callbacks WHERE order_id = ?", [first]).fetchone()[0],
           solved="yes", attitude="satisfied", score="10")
    db.execute("UPDATE callbacks SET due_at = '2020-01-01T00:00:00Z' WHERE order_id = ?", [second])
    figures = callbacks.figures(db, utcnow())
    assert figures == {"callbacks_done": 1, "satisfied": 1, "dissatisfied": 0, "satisfaction": 100, "due": 0,
                       "overdue": 1, "repeats": 0}
    page = desk.get("/dispatch/").text
    assert 'id="callback-figures"' in page and "回访超时" in page
