"""A whole visit through the routes, and every action endpoint given garbage: never a 500."""
import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest

from webapp.orders.lifecycle import ACTIONS

ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "孙先生", "contact_phone": "13800000009", "district": "西城区"}


def local_input(delta_minutes):
    moment = datetime.datetime.now(ZoneInfo("Asia/Shanghai")) + datetime.timedelta(minutes=delta_minutes)
    return moment.strftime("%Y-%m-%dT%H:%M")


def new_order(login, user_ids, desk=None, **changes):
    response = (desk or login("disp")).post("/orders/new", {**ORDER, **changes, "technician_id": str(user_ids["techb"])})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def state(db, order_id):
    return next(iter(db.query("SELECT * FROM orders WHERE id = ?", [order_id])))


# Its times are taken at import: a test that compares another time with them sets its own (test_repeat_orders).
CLOSURE = {"phenomenon": "LOS 灯闪红", "arrival_time": local_input(-60), "cause": "入户皮线弯折，收光 -29.5 dBm",
           "handling_process": "重新熔接皮线两端，复测 -18.2 dBm", "equipment_replaced": "无", "result": "recovered",
           "recovery_time": local_input(-5), "classification": "drop_cable"}


def test_a_home_visit_from_dispatch_to_reopen(login, phone, user_ids, db):
    order_id = new_order(login, user_ids)
    tech, desk = phone("techb"), login("disp")
    assert tech.act(order_id, "accepted")["status"] == "applied"
    window = {"appointment_start": local_input(60), "appointment_end": local_input(180)}
    assert tech.act(order_id, "appointed", fields=window)["status"] == "applied"
    # Moving the appointment needs a reason, and is recorded.
    moved = {"appointment_start": local_input(90), "appointment_end": local_input(200)}
    assert tech.act(order_id, "appointed", fields=moved)["status"] == "rejected"
    assert tech.act(order_id, "appointed", fields=moved, reason="客户要求推迟半小时")["status"] == "applied"
    for to in ("en_route", "on_site", "restored"):
        assert tech.act(order_id, to)["status"] == "applied", to
    # Without telling the account holder, a home order cannot be returned.
    refused = tech.act(order_id, "returned", fields=CLOSURE)
    assert refused["status"] == "rejected" and ("开户人" in refused["error"] or "account holder" in refused["error"])
    assert tech.act(order_id, "returned", fields={**CLOSURE, "holder_informed": True})["status"] == "applied"
    order = state(db, order_id)
    assert order["state"] == "returned" and "皮线" in order["closure"]
    assert "重新熔接皮线两端" in desk.get(f"/orders/{order_id}").text
    assert desk.post(f"/orders/{order_id}/act/close").status_code == 303
    response = desk.post(f"/orders/{order_id}/act/reopen", {"reason": "回访不满意：仍然掉线"})
    assert response.status_code == 303
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert state(db, new_id)["parent_order_id"] == order_id
    trail = [e["action"] for e in db.query("SELECT action FROM order_events WHERE order_id = ? ORDER BY id", [order_id])]
    assert trail == ["create", "dispatch", "accept", "make_appointment", "make_appointment", "depart", "arrive",
                     "restore", "return", "close", "reopen"]
    moved = next(iter(db.query("SELECT reason FROM order_events WHERE order_id = ? AND action = 'make_appointment'"
                               " ORDER BY id DESC", [order_id])))
    assert moved["reason"] == "客户要求推迟半小时"


def test_suspension_needs_consent_and_a_supervisor(login, phone, user_ids, db):
    order_id = new_order(login, user_ids)
    tech = phone("techb")
    tech.act(order_id, "accepted")
    desk = login("disp")
    no_consent = desk.post(f"/orders/{order_id}/act/suspend",
                           {"approver_id": str(user_ids["boss"]), "reason": "客户出差"})
    assert no_consent.status_code == 422
    not_a_supervisor = desk.post(f"/orders/{order_id}/act/suspend", {
        "customer_consent": "客户电话同意", "approver_id": str(user_ids["disp"]), "reason": "客户出差"})
    assert not_a_supervisor.status_code == 422
    suspension = {"customer_consent": "客户 10:05 电话同意", "approver_id": str(user_ids["boss"]), "reason": "客户出差"}
    unapproved = desk.post(f"/orders/{order_id}/act/suspend", suspension)  # the supervisor did nothing yet
    assert unapproved.status_code == 409 and "主管" in unapproved.text and state(db, order_id)["state"] == "accepted"
    assert desk.post(f"/orders/{order_id}/approve-suspension").status_code == 403  # only the supervisor approves
    assert login("boss").post(f"/orders/{order_id}/approve-suspension").status_code == 303
    ok = desk.post(f"/orders/{order_id}/act/suspend", suspension)
    assert ok.status_code == 303 and state(db, order_id)["state"] == "suspended"
    assert tech.act(order_id, "accepted")["status"] == "applied"  # resume goes back where it was
    assert state(db, order_id)["state"] == "accepted"


def test_unsolved_needs_an_expected_date_or_says_there_is_none(login, phone, user_ids, db):
    order_id = new_order(login, user_ids)
    tech = phone("techb")
    tech.act(order_id, "accepted")
    tech.act(order_id, "appointed", fields={"appointment_start": local_input(30), "appointment_end": local_input(90)})
    tech.act(order_id, "on_site")
    assert tech.act(order_id, "unsolved", reason="光缆整改")["status"] == "rejected"
    assert tech.act(order_id, "unsolved", reason="光缆整改", fields={"no_expected_date": True})["status"] == "applied"
    assert state(db, order_id)["state"] == "unsolved" and state(db, order_id)["legacy_expected_date"] is None


GARBAGE = [
    {},
    {"technician_id": "abc", "approver_id": "-1", "reason": "x" * 10000},
    {"appointment_start": "2026-13-45T99:99", "appointment_end": "\x00", "arrival_time": "yesterday"},
    {"technician_id": "999999", "customer_consent": "<img src=x onerror=alert(1)>", "approver_id": "1e9"},
    {"legacy_expected_date": "31/31/2031", "result": "maybe", "classification": "'; DROP TABLE orders; --"},
    {k: "\ud7ff" * 50 for k in ("reason", "phenomenon", "cause", "handling_process", "text")},
]


@pytest.mark.parametrize("who", ["disp", "techb", "techa"])
def test_garbage_never_makes_a_500(login, user_ids, db, who):
    """Every action endpoint, every garbage payload, as the dispatcher, the assignee and a stranger."""
    session, desk = login(who), login("disp")
    unexpected = []
    for action, payload in itertools.product(sorted(ACTIONS), GARBAGE):
        order_id = new_order(login, user_ids, desk)
        before = state(db, order_id)
        response = session.post(f"/orders/{order_id}/act/{action}", payload)
        if response.status_code not in (303, 400, 403, 404, 409, 413, 422):
            unexpected.append((action, payload, response.status_code))
        elif response.status_code != 303 and state(db, order_id)["version"] != before["version"]:
            unexpected.append((action, payload, "changed although refused"))
    assert unexpected == []
