"""Repeat orders (issue 21 item 8; domain reference §9.2 item 19): a new repair or complaint at the same account or
address within the repeat window is flagged and linked to the earlier order. Restoration confirmed by whom and when
(§9.2 item 16) is in tests/test_lifecycle.py and below through the phone."""
import datetime
import json
from zoneinfo import ZoneInfo

import pytest

from webapp.db import transaction
from webapp.orders import store
from tests.test_order_flow import CLOSURE, local_input, new_order, state

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=TZ)
HOME = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "customer_name": "周女士",
        "contact_phone": "13800000011", "district": "东城区", "community": "幸福里", "building": "3", "unit": "502",
        "broadband_account": "gz123456"}


def create(app, db, at, **changes):
    with app.app_context(), transaction(db):
        return store.create_order(db, {**HOME, **changes}, None, at, TZ)


@pytest.mark.parametrize("later, changes, repeat, matched_on", [
    (datetime.timedelta(days=30), {}, True, "account"),                              # at the window's edge
    (datetime.timedelta(days=30, minutes=1), {}, False, None),                       # a minute outside it
    (datetime.timedelta(days=3), {"broadband_account": "", "unit": "502"}, True, "address"),
    (datetime.timedelta(days=3), {"broadband_account": "", "unit": ""}, False, None),  # an incomplete address matches nothing
    (datetime.timedelta(days=3), {"broadband_account": "gz999", "unit": "601"}, False, None),
    (datetime.timedelta(days=3), {"order_type": "installation"}, False, None),       # a new installation is no repeat
    (datetime.timedelta(days=3), {"order_type": "complaint"}, True, "account"),
])
def test_repeat_window_and_what_matches(app, db, later, changes, repeat, matched_on):
    first = create(app, db, T0)
    second = create(app, db, T0 + later, **changes)
    order = state(db, second)
    assert bool(order["is_repeat"]) is repeat and order["repeat_of_id"] == (first if repeat else None)
    if repeat:
        created = next(iter(db.query("SELECT details FROM order_events WHERE order_id = ? AND action = 'create'", [second])))
        assert json.loads(created["details"])["matched_on"] == matched_on


def test_window_is_configurable_and_duplicates_do_not_count(app, db):
    app.config["REPEAT_WINDOW_DAYS"] = 7
    first = create(app, db, T0)
    assert state(db, create(app, db, T0 + datetime.timedelta(days=8)))["repeat_of_id"] is None
    db.conn.execute("UPDATE orders SET state = 'cancelled'")
    assert state(db, create(app, db, T0 + datetime.timedelta(days=9)))["repeat_of_id"] is None
    assert first


def test_the_desk_sees_the_repeat(login, user_ids, db):
    desk = login("disp")
    first = new_order(login, user_ids, desk, broadband_account="gz777")
    second = new_order(login, user_ids, desk, broadband_account="gz777")
    assert state(db, second)["repeat_of_id"] == first
    page = desk.get(f"/orders/{second}").text
    assert 'id="repeat-of"' in page and f'href="/orders/{first}"' in page


def test_the_phone_records_who_was_told_and_when(login, phone, user_ids, db):
    order_id = new_order(login, user_ids)
    tech = phone("techb")
    tech.restore(order_id)
    # The times are taken now, not when CLOSURE was made at import (in a long run that was half an hour ago).
    early = {**CLOSURE, "recovery_time": local_input(-5), "holder_informed": True, "confirmed_by": "户主 周先生",
             "confirmed_at": local_input(-30)}
    assert tech.act(order_id, "returned", fields=early)["status"] == "rejected"   # before the recovery time
    told = {**early, "confirmed_at": local_input(-1)}
    assert tech.act(order_id, "returned", fields=told)["status"] == "applied"
    closure = json.loads(state(db, order_id)["closure"])
    assert closure["confirmed_by"] == "户主 周先生" and closure["confirmed_at"] == told["confirmed_at"].replace("T", " ")
    assert "户主 周先生" in login("disp").get(f"/orders/{order_id}").text


def test_the_account_lookups_use_the_account_index(app, db):
    """The repeat check of a new order and the history in a phone's order bundle read orders by
    broadband account through orders_account_created, never the whole orders table (issue 14,
    capacity: before, both scanned every order, the repeat check inside the write transaction)."""
    from webapp.db import one
    from webapp.sync import briefcase
    first = create(app, db, T0)
    statements = []
    db.conn.set_trace_callback(statements.append)
    try:
        second = create(app, db, T0 + datetime.timedelta(days=1))
        with app.test_request_context("/"):
            bundle = briefcase.bundle(db, one(db, "SELECT * FROM orders WHERE id = ?", [second]))
    finally:
        db.conn.set_trace_callback(None)
    assert [h["id"] for h in bundle["history"]] == [first]
    by_account = [sql for sql in statements if "FROM orders WHERE broadband_account" in sql]
    assert len(by_account) >= 2
    for sql in by_account:
        plan = " ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
        assert "orders_account_created" in plan and "SCAN orders" not in plan, (sql, plan)
