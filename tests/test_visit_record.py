"""Issue 15, items 1, 3 and 4 on the server: an offline visit keeps each step's phone time, the
seeds' visit order keeps the order on the phone until it is signed, the report says what the
technician wrote, and callbacks follow the seeds' satisfaction scale and rest hours."""
import datetime
import hashlib
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import Phone
from tests.test_signoff import SURVEY, answer, make_report, returned_order, sign, signature_png
from tests.test_uploads import Uploader
from webapp.sla import sweeper
from webapp.timeutil import to_text

ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "钱女士", "contact_name": "钱女士", "contact_phone": "13912345678", "district": "东城区",
         "community": "幸福里"}
CLOSURE = {"phenomenon": "LOS 红灯闪烁", "arrival_time": "2026-11-22T09:00", "cause": "入户皮线弯折",
           "handling_process": "重新熔接", "equipment_replaced": "无", "result": "recovered",
           "recovery_time": "2026-11-22T10:00", "classification": "drop_cable", "holder_informed": True}


def utc(moment):
    return moment.astimezone(datetime.timezone.utc).replace(microsecond=0)


def dispatched_hours_ago(login, user_ids, db, hours):
    """An order created and dispatched to techa `hours` ago (its trail and clocks moved back)."""
    desk = login("disp")
    response = desk.post("/orders/new", {**ORDER, "technician_id": str(user_ids["techa"])})
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    shift = f"-{int(hours * 3600)} seconds"
    stamp = "strftime('%Y-%m-%dT%H:%M:%SZ', {}, '" + shift + "')"
    db.execute(f"UPDATE orders SET created_at = {stamp.format('created_at')}, dispatched_at = {stamp.format('dispatched_at')}"
               " WHERE id = ?", [order_id])
    db.execute(f"UPDATE order_events SET at = {stamp.format('at')} WHERE order_id = ?", [order_id])
    db.execute(f"UPDATE order_clocks SET started_at = {stamp.format('started_at')}, due_at = {stamp.format('due_at')},"
               f" warn_at = {stamp.format('warn_at')} WHERE order_id = ?", [order_id])
    return order_id


def transition(phone, order_id, to, at, fields=None):
    args = {"order_id": order_id, "to": to, **({"fields": fields} if fields else {})}
    return phone.mutation("order.transition", args, occurred_at=at.isoformat())


def trail(db, order_id):
    return [(e["action"], e["at"], json.loads(e["details"])) for e in db.query(
        "SELECT action, at, details FROM order_events WHERE order_id = ? AND actor_id IS NOT NULL ORDER BY id", [order_id])]


# ---- item 1: phone times ----

def test_a_four_hour_offline_visit_keeps_every_steps_phone_time(app, login, user_ids, db):
    now = utc(datetime.datetime.now(datetime.timezone.utc))
    order_id = dispatched_hours_ago(login, user_ids, db, 5)
    start = now - datetime.timedelta(hours=4, minutes=30)
    at = [start + datetime.timedelta(minutes=m) for m in (0, 5, 40, 70, 90, 120, 150, 200, 240, 250)]
    phone = Phone(login("techa"))
    png = signature_png()
    Uploader(phone.session).send(png, "image/png")
    report = make_report(db, order_id, hashlib.sha256(png).hexdigest())
    visit = [
        transition(phone, order_id, "accepted", at[0]),
        transition(phone, order_id, "appointed", at[1], {"appointment_start": "2099-01-01T09:00",
                                                         "appointment_end": "2099-01-01T11:00"}),
        transition(phone, order_id, "en_route", at[2]),
        transition(phone, order_id, "on_site", at[3]),
        phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "LOS 红灯"},
                       occurred_at=at[4].isoformat()),
        phone.mutation("order.record_run", {
            "order_id": order_id, "run_id": str(uuid.uuid4()), "playbook": "ftth", "version": None,
            "steps": [], "outcome": "x"}, occurred_at=at[5].isoformat()),  # refused (no such run): no step
        transition(phone, order_id, "restored", at[6], {"found": "入户皮线弯折", "done": "重新熔接皮线"}),
        phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "复测正常"},
                       occurred_at=at[7].isoformat()),
        phone.mutation("order.sign_off", {
            "order_id": order_id, "signoff_id": str(uuid.uuid4()), "report": report, "report_hash": "0" * 64,
            "signature_sha256": report["signature_sha256"], "signer_name": "钱女士", "survey": SURVEY},
            occurred_at=at[8].isoformat()),
        transition(phone, order_id, "returned", at[9], CLOSURE),
    ]
    # Four hours without signal, then one sync: every step as it happened on the phone.
    results = phone.push(visit).json["results"]
    assert [r["status"] for r in results] == ["applied"] * 5 + ["rejected"] + ["applied"] * 4, results
    steps = trail(db, order_id)
    assert [s[0] for s in steps] == ["create", "dispatch", "accept", "make_appointment", "depart", "arrive", "add_note", "restore",
                                     "add_note", "sign_off", "return"]
    expected = [at[0], at[1], at[2], at[3], at[4], at[6], at[7], at[8], at[9]]
    for (action, recorded, details), moment in zip(steps[2:], expected):
        assert recorded == to_text(moment), action
        assert details["device_time"] == to_text(moment) and details["device_time_used"] is True, action
        assert details["received_at"] >= to_text(now) and details["client_id"] == phone.client_id, action  # both times kept
    signed = next(iter(db.query("SELECT signed_at FROM signoffs WHERE order_id = ?", [order_id])))
    assert signed["signed_at"] == to_text(at[8])
    order = next(iter(db.query("SELECT * FROM orders WHERE id = ?", [order_id])))
    assert order["appointment_made_at"] == to_text(at[1])
    # The first-appointment clock (30 min) was met on the phone at +5 min: no breach.
    clock = next(iter(db.query("SELECT * FROM order_clocks WHERE order_id = ? AND policy_code = 'first_appointment'", [order_id])))
    assert clock["stopped_at"] == to_text(at[1]) and clock["breached_at"] is None


def test_a_breach_the_sweep_called_while_the_phone_was_offline_is_withdrawn_when_the_step_was_in_time(app, login, user_ids, db):
    now = utc(datetime.datetime.now(datetime.timezone.utc))
    order_id = dispatched_hours_ago(login, user_ids, db, 3)
    with app.app_context():
        sweeper.sweep(db, now)  # the desk's clock ran on while the phone was in a basement
    assert db.execute("SELECT breached_at FROM order_clocks WHERE order_id = ? AND policy_code = 'first_appointment'",
                      [order_id]).fetchone()[0] is not None
    phone = Phone(login("techa"))
    phone.push([transition(phone, order_id, "accepted", now - datetime.timedelta(hours=3) + datetime.timedelta(minutes=2)),
                transition(phone, order_id, "appointed", now - datetime.timedelta(hours=3) + datetime.timedelta(minutes=8),
                           {"appointment_start": "2099-01-01T09:00", "appointment_end": "2099-01-01T11:00"})])
    clocks = {c["policy_code"]: c for c in db.query("SELECT * FROM order_clocks WHERE order_id = ?", [order_id])}
    assert clocks["first_appointment"]["breached_at"] is None
    still = any(c["breached_at"] for c in clocks.values())
    assert db.execute("SELECT breached FROM orders WHERE id = ?", [order_id]).fetchone()[0] == int(still)


def test_implausible_phone_times_are_still_refused(app, login, user_ids, db):
    now = utc(datetime.datetime.now(datetime.timezone.utc))
    order_id = dispatched_hours_ago(login, user_ids, db, 2)
    phone = Phone(login("techa"))
    other_phone = Phone(phone.session)  # the same technician's second phone
    phone.push([
        transition(phone, order_id, "accepted", now - datetime.timedelta(hours=3)),  # before the order existed
        transition(phone, order_id, "appointed", now - datetime.timedelta(minutes=60),
                   {"appointment_start": "2099-01-01T09:00", "appointment_end": "2099-01-01T11:00"}),
        transition(phone, order_id, "en_route", now + datetime.timedelta(hours=2)),  # in the future
    ])
    other_phone.push([transition(other_phone, order_id, "on_site", now - datetime.timedelta(minutes=30))])
    steps = {action: (recorded, details) for action, recorded, details in trail(db, order_id)}
    assert steps["accept"][1]["device_time_ignored"] == "before the order was created"
    assert steps["accept"][0] == steps["accept"][1]["received_at"]
    # Judged against the same phone's own time for "accept" (3 h ago), not the receipt time recorded for it.
    assert steps["make_appointment"][1].get("device_time_used") is True
    assert steps["make_appointment"][0] == to_text(now - datetime.timedelta(minutes=60))
    assert steps["depart"][1]["device_time_ignored"] == "in the future"
    # Another phone's step is judged against the time recorded for "depart" (its receipt).
    assert steps["arrive"][1]["device_time_ignored"] == "before the order's last recorded step"
    assert steps["arrive"][0] == steps["arrive"][1]["received_at"]


# ---- item 4: callbacks ----

@pytest.fixture
def callback_id(login, user_ids, db, app):
    order_id = returned_order(login, user_ids, db, app, 1)
    return db.execute("SELECT id FROM callbacks WHERE order_id = ?", [order_id]).fetchone()[0]


def test_an_average_six_with_cause_network_is_dissatisfied_and_brings_a_revisit(login, db, callback_id):
    response = answer(login("disp"), callback_id, solved="yes", attitude="average", score="6", cause="network")
    assert response.status_code == 303, response.text
    row = next(iter(db.query("SELECT * FROM callbacks WHERE id = ?", [callback_id])))
    assert (row["result"], row["cause"]) == ("dissatisfied", "network")
    revisit = list(db.query("SELECT * FROM orders WHERE parent_order_id = ?", [row["order_id"]]))
    assert len(revisit) == 1 and row["followup_order_id"] == revisit[0]["id"]


def test_anything_short_of_satisfied_asks_which_aspect_and_keeps_it(login, db, callback_id):
    desk = login("disp")
    no_cause = answer(desk, callback_id, solved="yes", attitude="satisfied", score="8")
    assert no_cause.status_code == 422 and "技术员" in no_cause.text
    assert answer(desk, callback_id, solved="yes", attitude="satisfied", score="8", cause="business").status_code == 303
    row = next(iter(db.query("SELECT * FROM callbacks WHERE id = ?", [callback_id])))
    assert (row["result"], row["cause"]) == ("basically", "business")


def test_calling_in_rest_hours_warns_even_when_convenient_now(login, db, callback_id):
    shanghai = ZoneInfo("Asia/Shanghai")
    night = datetime.datetime.now(shanghai).replace(hour=3, minute=16, second=0, microsecond=0)
    night += datetime.timedelta(days=1) if night < datetime.datetime.now(shanghai) else datetime.timedelta(0)
    with time_machine.travel(night, tick=False):
        desk = login("disp")
        page = desk.get(f"/callbacks/{callback_id}")
        assert page.status_code == 200 and 'id="rest-hours-warning"' in page.text and "休息时间" in page.text
        fields = {"outcome": "answers", "solved": "yes", "attitude": "satisfied", "charged": "no", "score": "10",
                  "suggestions": "师傅很细心"}
        refused = desk.post(f"/callbacks/{callback_id}", fields)
        assert refused.status_code == 422 and "休息时间" in refused.text
        assert "师傅很细心" in refused.text  # what was typed stays
        assert db.execute("SELECT status FROM callbacks WHERE id = ?", [callback_id]).fetchone()[0] == "due"
        agreed = desk.post(f"/callbacks/{callback_id}", {**fields, "rest_hours_agreed": "y"})
        assert agreed.status_code == 303
    row = next(iter(db.query("SELECT * FROM callbacks WHERE id = ?", [callback_id])))
    assert row["status"] == "done" and json.loads(row["answers"])["rest_hours_agreed"] is True
    with time_machine.travel(night.replace(hour=10), tick=False):
        desk = login("disp")
        assert 'id="rest-hours-warning"' not in desk.get(f"/callbacks/{callback_id}").text


# ---- item 3: the seeds' visit order, the report's words, the desk's view ----

def on_site(login, user_ids):
    desk = login("disp")
    response = desk.post("/orders/new", {**ORDER, "description": "客户来电：无法上网", "technician_id": str(user_ids["techa"])})
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    phone = Phone(login("techa"))
    for to, fields in (("accepted", None), ("appointed", {"appointment_start": "2099-01-01T09:00", "appointment_end": "2099-01-01T11:00"}),
                       ("on_site", None)):
        assert phone.act(order_id, to, fields=fields)["status"] == "applied"
    return order_id, phone, desk


def in_briefcase(phone, order_id):
    return any(c["id"] == order_id and not c["deleted"] for c in phone.pull(None)["changes"] if c["table"] == "orders")


def test_the_report_says_what_the_technician_wrote_not_the_guides_instruction(login, user_ids, db, app):
    from tests.test_playbooks import THE_ISSUES_PATH, record
    order_id, phone, desk = on_site(login, user_ids)
    assert record(phone, order_id, THE_ISSUES_PATH, "reterminate_drop")["status"] == "applied"
    assert phone.act(order_id, "restored", fields={"found": "入户皮线在门框处压断", "done": "更换 5 米皮线，重新冷接"})["status"] == "applied"
    png = signature_png()
    Uploader(phone.session).send(png, "image/png")
    assert sign(phone, order_id, make_report(db, order_id, hashlib.sha256(png).hexdigest()), remarks="")["status"] == "applied"
    stored = json.loads(db.execute("SELECT report FROM signoffs WHERE order_id = ?", [order_id]).fetchone()[0])
    assert (stored["found"], stored["done"]) == ("入户皮线在门框处压断", "更换 5 米皮线，重新冷接")
    assert "重做两端皮线光缆头" not in json.dumps(stored, ensure_ascii=False)  # the guide's instruction text
    # The desk's order page shows the sign-off: answers, signature, report link.
    page = desk.get(f"/orders/{order_id}").text
    row = next(iter(db.query("SELECT * FROM signoffs WHERE order_id = ?", [order_id])))
    assert 'id="signoff"' in page and "钱女士" in page and "10 / 10" in page
    assert f"/r/{row['id']}/" in page and "/customer.png" in page and 'id="report-link-1"' in page
    token = page.split(f"/r/{row['id']}/", 1)[1].split("/", 1)[0]
    image = desk.get(f"/r/{row['id']}/{token}/customer.png")
    assert image.status_code == 200 and image.mimetype == "image/png"


def test_a_returned_order_stays_on_the_phone_until_signed_or_the_reason_is_given(login, user_ids, db):
    order_id, phone, desk = on_site(login, user_ids)
    assert phone.act(order_id, "restored", fields={"found": "光猫死机", "done": "重启光猫"})["status"] == "applied"
    assert phone.act(order_id, "returned", fields=CLOSURE)["status"] == "applied"
    assert in_briefcase(phone, order_id)  # the customer can still sign on the phone
    png = signature_png()
    Uploader(phone.session).send(png, "image/png")
    cursor = phone.pull(None)["cursor"]
    assert sign(phone, order_id, make_report(db, order_id, hashlib.sha256(png).hexdigest()))["status"] == "applied"
    gone = [c for c in phone.pull(cursor)["changes"] if c["table"] == "orders" and c["id"] == order_id]
    assert gone and gone[0]["deleted"] == 1 and not in_briefcase(phone, order_id)

    second, phone2, _desk = on_site(login, user_ids)
    assert phone2.act(second, "restored", fields={"found": "光猫死机", "done": "重启光猫"})["status"] == "applied"
    assert phone2.act(second, "returned", fields={**CLOSURE, "unsigned_reason": "客户外出，家中老人不会签字"})["status"] == "applied"
    assert not in_briefcase(phone2, second)
    assert "客户外出，家中老人不会签字" in desk.get(f"/orders/{second}").text
