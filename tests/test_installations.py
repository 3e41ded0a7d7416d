"""Installation orders (issue 21 item 9; domain reference §7.3 step 5, §7.4, §9.5 item 31): the due date, the warning
1 week before (3 days when urgent), the circuit warning 10 working days before the due date (seed 003 line 311) on an
enterprise circuit only (a home FTTH/FTTB installation has no circuit), extension requests filed before the deadline, and
timeouts counted cumulatively."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from webapp.db import transaction
from webapp.installations import rules
from webapp.orders import store
from webapp.sla import engine
from webapp.timeutil import from_text, to_text
from tests.test_order_flow import ORDER, state

TZ = ZoneInfo("Asia/Shanghai")
DUE = datetime.datetime(2026, 12, 18, 23, 59, tzinfo=TZ)   # a Friday
WEEK, DAY, MINUTE = datetime.timedelta(weeks=1), datetime.timedelta(days=1), datetime.timedelta(minutes=1)


@pytest.mark.parametrize("urgent, now, on", [
    (False, DUE - WEEK, True), (False, DUE - WEEK - MINUTE, False),
    (True, DUE - 3 * DAY, True), (True, DUE - 3 * DAY - MINUTE, False), (True, DUE - WEEK, False),
    (False, DUE + DAY, True),
])
def test_due_date_warning_edges(urgent, now, on):
    assert rules.warning_due(DUE, urgent, now) is on


def ext(requested, previous, cause="customer"):
    return rules.Extension(requested, previous, previous + WEEK, cause)


@pytest.mark.parametrize("extensions, current_due, completed, now, timeouts", [
    ([], DUE, None, DUE, 0),                                        # at the deadline itself: not yet late
    ([], DUE, None, DUE + MINUTE, 1),
    ([], DUE, DUE - DAY, DUE + WEEK, 0),                            # finished in time
    ([ext(DUE - DAY, DUE)], DUE + WEEK, None, DUE + DAY, 0),         # filed before the deadline, customer's cause
    ([ext(DUE + MINUTE, DUE)], DUE + WEEK, None, DUE + DAY, 1),      # filed a minute late
    ([ext(DUE - DAY, DUE, "other")], DUE + WEEK, None, DUE + DAY, 1),  # not the customer: still overdue
    ([ext(DUE - DAY, DUE), ext(DUE + WEEK + MINUTE, DUE + WEEK)], DUE + 2 * WEEK, None, DUE + 3 * WEEK, 2),  # cumulative
])
def test_timeouts_are_counted(extensions, current_due, completed, now, timeouts):
    assert rules.count_timeouts(extensions, current_due, completed, now) == timeouts


# An enterprise circuit (§7.3 is the enterprise in-sales method): what the circuit warning watches.
CIRCUIT = {"access_type": "enterprise", "customer_grade": "diamond", "line_scope": "local",
           "enterprise_service": "internet_access", "circuit_id": "GZ-ZX-000123"}


def make(app, db, at, due=DUE, priority="normal", access=CIRCUIT):
    with app.app_context(), transaction(db):
        return store.create_order(db, {**ORDER, **access, "order_type": "installation", "symptom": "new_install",
                                       "priority": priority, "due_at": due}, None, at, TZ)


def clock(db, order_id, code):
    return next(iter(db.query("SELECT * FROM order_clocks WHERE order_id = ? AND policy_code = ?", [order_id, code])))


def test_the_clocks_warn_on_time_and_the_sweep_tells_the_desk(app, db):
    created = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)   # a Tuesday
    order_id = make(app, db, created)
    assert clock(db, order_id, "installation_due")["warn_at"] == to_text(DUE - WEEK)
    urgent = make(app, db, created, priority="urgent")
    assert clock(db, urgent, "installation_due")["warn_at"] == to_text(DUE - 3 * DAY)
    # Seed 003 line 311: the circuit warning comes 10 working days before the required completion time.
    # DUE is the end of Friday 18 December: 10 working days back is the end of Friday 4 December.
    circuit = clock(db, order_id, "installation_progress")
    assert from_text(circuit["warn_at"]) == datetime.datetime(2026, 12, 4, 23, 59, tzinfo=TZ) == DUE - 14 * DAY
    assert circuit["due_at"] == to_text(DUE)
    with app.app_context(), transaction(db):
        engine.sweep(db, DUE - 14 * DAY - datetime.timedelta(minutes=1))
        # (the 30-minute appointment clock of every new order has its own notices; only the installation's are counted)
        assert not list(db.query("SELECT * FROM notices WHERE order_id = ? AND policy_code LIKE 'installation%'", [order_id]))
        engine.sweep(db, DUE - 14 * DAY)
        assert {n["policy_code"] for n in db.query("SELECT * FROM notices WHERE order_id = ? AND kind = 'warning'"
                                                    " AND policy_code LIKE 'installation%'", [order_id])} == {"installation_progress"}
        engine.sweep(db, DUE - WEEK)
        engine.sweep(db, DUE + DAY)
    kinds = {(n["kind"], n["policy_code"]) for n in db.query(
        "SELECT * FROM notices WHERE order_id = ? AND policy_code LIKE 'installation%'", [order_id])}
    # warning-only: the circuit warning never breaches; the due-date clock does.
    assert kinds == {("warning", "installation_progress"), ("warning", "installation_due"), ("breach", "installation_due")}


def test_an_urgent_order_with_less_than_ten_working_days_goes_straight_to_the_pool(app, db):
    created = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=TZ)   # 6 working days before Friday 18 December
    urgent = make(app, db, created, priority="urgent")
    assert clock(db, urgent, "installation_progress")["warn_at"] == to_text(created)


HOME = {"access_type": "ftth"}


def installation_clocks_only(db, *order_ids):
    """Stop the orders' other clocks (the appointment's …), so their next deadline is an installation clock's."""
    with transaction(db):
        for order_id in order_ids:
            db.conn.execute("UPDATE order_clocks SET stopped_at = started_at WHERE order_id = ?"
                            " AND policy_code NOT LIKE 'installation%'", [order_id])
            engine.refresh_next_due(db, order_id)


def test_a_home_installation_has_the_due_date_warning_and_no_circuit_warning(app, db, login):
    """A home FTTH line is no circuit: no 电路预警 clock, notice, console or phone label; its due-date clock still warns."""
    created = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
    home, line = make(app, db, created, access=HOME), make(app, db, created)
    installation_clocks_only(db, home, line)
    codes = {o: {c["policy_code"] for c in db.query("SELECT policy_code FROM order_clocks WHERE order_id = ?", [o])}
             for o in (home, line)}
    assert "installation_due" in codes[home] and "installation_progress" not in codes[home]
    assert {"installation_due", "installation_progress"} <= codes[line]
    with app.app_context(), transaction(db):
        engine.sweep(db, DUE - WEEK)
    warned = {(n["order_id"], n["policy_code"]) for n in db.query(
        "SELECT * FROM notices WHERE kind = 'warning' AND policy_code LIKE 'installation%'")}
    assert warned == {(home, "installation_due"), (line, "installation_due"), (line, "installation_progress")}
    assert state(db, home)["next_due_policy"] == "installation_due"
    desk = login("disp")
    assert "电路预警" not in desk.get(f"/orders/{home}").text and "电路预警" in desk.get(f"/orders/{line}").text
    row = desk.get("/dispatch/?view=all").text.split(f'id="order-{home}"')[1].split("</tr>")[0]
    assert "电路预警" not in row and "装机要求完成时间" in row, row


def test_an_upgraded_city_drops_the_circuit_warning_of_its_home_installations(app, db):
    """A database from before: the policy watched home lines and a home installation's clock ran; the migration ends it."""
    from webapp import migrations
    version = 1 + next(n for n, statements in enumerate(migrations.MIGRATIONS)
                       if any("DELETE FROM notices WHERE policy_code = 'installation_progress'" in s for s in statements))
    created = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
    home, line = make(app, db, created, access=HOME), make(app, db, created)
    installation_clocks_only(db, home, line)
    with transaction(db):
        db.conn.execute("UPDATE sla_policies SET access_types = '[\"ftth\", \"fttb\", \"enterprise\"]'"
                        " WHERE code = 'installation_progress'")
        db.conn.execute("INSERT INTO order_clocks (order_id, policy_code, started_at, due_at, warn_at)"
                        " SELECT ?, policy_code, started_at, due_at, warn_at FROM order_clocks WHERE order_id = ?"
                        " AND policy_code = 'installation_progress'", [home, line])
        db.conn.execute("UPDATE orders SET next_due_policy = 'installation_progress' WHERE id IN (?, ?)", [home, line])
        db.conn.executemany("INSERT INTO notices (order_id, policy_code, kind, role, created_at) VALUES"
                            " (?, 'installation_progress', 'warning', 'dispatcher', '2026-12-04T15:59:00Z')", [[home], [line]])
        db.conn.execute("DELETE FROM schema_migrations WHERE version = ?", [version])
    assert migrations.migrate(db) == [version]
    assert not list(db.query("SELECT 1 FROM order_clocks WHERE order_id = ? AND policy_code = 'installation_progress'", [home]))
    assert state(db, home)["next_due_policy"] == "installation_due" and state(db, home)["next_due_at"] == to_text(DUE)
    assert state(db, line)["next_due_policy"] == "installation_progress"    # an enterprise circuit keeps its warning
    assert [n["order_id"] for n in db.query("SELECT order_id FROM notices WHERE policy_code = 'installation_progress'")] == [line]
    policy = next(iter(db.query("SELECT access_types FROM sla_policies WHERE code = 'installation_progress'")))
    assert policy["access_types"] == '["enterprise"]'


def test_a_note_does_not_move_the_circuit_warning(app, db, login, user_ids):
    desk = login("disp")
    response = desk.post("/orders/new", {**ORDER, **CIRCUIT, "order_type": "installation", "symptom": "new_install",
                                         "due_date": "2027-03-31"})
    assert response.status_code == 303, response.text
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    before = clock(db, order_id, "installation_progress")["warn_at"]
    assert from_text(before) == datetime.datetime(2027, 3, 17, 23, 59, tzinfo=TZ)   # Wed 31 Mar back 10 working days
    assert desk.post(f"/orders/{order_id}/notes", {"text": "已完成光缆勘查，下周施工"}).status_code == 303
    assert clock(db, order_id, "installation_progress")["warn_at"] == before
    assert desk.post("/orders/new", {**ORDER, "order_type": "installation", "symptom": "new_install"}).status_code == 422


@pytest.mark.parametrize("access, circuit", [(CIRCUIT, True), ({"access_type": "ftth"}, False)])
def test_extension_requests_through_the_desk(app, db, login, user_ids, access, circuit):
    desk = login("disp")
    soon = (datetime.datetime.now(TZ) + datetime.timedelta(days=2)).date()
    response = desk.post("/orders/new", {**ORDER, **access, "order_type": "installation", "symptom": "new_install",
                                         "due_date": soon.isoformat()})
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = desk.get(f"/orders/{order_id}").text
    assert 'id="provisioning-warnings"' in page                        # due within the week
    assert f"order-{order_id}" in desk.get("/dispatch/").text and "provisioning-warning" in desk.get("/dispatch/").text
    # Eight days from today: past the week's due-date warning, and whatever the weekday (or a holiday calendar's
    # make-up working days) fewer than 10 working days away, so the circuit warning is due at once. (It was soon + 10
    # days, 12 from today: from a Monday in Asia/Shanghai that is 10 working days and a Saturday, and the warning
    # waited until the end of the day: the test failed on Mondays.)
    later_date = soon + datetime.timedelta(days=6)
    later = later_date.isoformat()
    assert desk.post(f"/orders/{order_id}/extension", {"new_due_date": soon.isoformat(), "cause": "customer",
                                                       "reason": "客户装修"}).status_code == 409   # not later
    assert desk.post(f"/orders/{order_id}/extension", {"new_due_date": later, "cause": "customer"}).status_code == 422
    assert desk.post(f"/orders/{order_id}/extension", {"new_due_date": later, "cause": "customer",
                                                       "reason": "客户装修未完，约定延期"}).status_code == 303
    order = state(db, order_id)
    assert order["due_at"] == to_text(rules.due_from_date(later_date, TZ))
    page = desk.get(f"/orders/{order_id}").text
    # no longer due within the week, but 8 days away is inside the 10-working-day circuit warning (seed 003 line 311)
    # of an enterprise circuit; a home installation has none
    assert 'id="installation-timeouts">0<' in page and "Due within" not in page
    assert ('id="circuit-warning"' in page) is circuit and ("电路预警" in page) is circuit
    even_later = (soon + datetime.timedelta(days=20)).isoformat()
    assert desk.post(f"/orders/{order_id}/extension", {"new_due_date": even_later, "cause": "other",
                                                       "reason": "设备未到货"}).status_code == 303
    assert 'id="installation-timeouts">1<' in desk.get(f"/orders/{order_id}").text
    assert login("techb").post(f"/orders/{order_id}/extension", {"new_due_date": even_later, "cause": "customer",
                                                                 "reason": "x"}).status_code in (403, 404)


def test_a_new_installation_order_refuses_a_due_date_in_the_past(login, db):
    desk = login("disp")
    today = datetime.datetime.now(TZ).date()
    for past in ("2020-01-01", (today - DAY).isoformat()):
        response = desk.post("/orders/new", {**ORDER, "order_type": "installation", "symptom": "new_install", "due_date": past})
        assert response.status_code == 422 and "过去" in response.text, past
    response = desk.post("/orders/new", {**ORDER, "order_type": "installation", "symptom": "new_install",
                                         "due_date": today.isoformat()})
    assert response.status_code == 303   # today itself: due at the end of the day
