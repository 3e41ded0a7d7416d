"""Enterprise lines (issue 21 item 11; domain reference §7.4, §7.6, §9.5 item 28): grade, reach, service and circuit id
on the order; the per-customer SLA table seeded with the Dongli limits; the 2-working-day fault report; the Guangdong
serious-fault triggers at their edges (30 minutes; 8 hours for non-diamond cross-city private lines; 3 ordinary
customers within 30 minutes)."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from webapp.enterprise import rules
from webapp.timeutil import to_text
from tests.test_order_flow import ORDER, state

TZ = ZoneInfo("Asia/Shanghai")
M = datetime.timedelta(minutes=1)
T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)


@pytest.mark.parametrize("service, grade, scope, lasted, serious", [
    ("internet_access", "diamond", "local", 30 * M, False),          # "more than 30 minutes"
    ("internet_access", "diamond", "local", 31 * M, True),
    ("group_sms", "provincial", "local", 31 * M, True),
    ("gprs_apn", "ordinary", "local", 600 * M, False),               # not an important customer: never on its own
    ("voice_line", "ordinary", "cross_province", 31 * M, True),      # a cross-province line makes it important
    ("circuit_rental", "city", "cross_city", 480 * M, False),        # non-diamond cross-city private line: 8 hours
    ("circuit_rental", "city", "cross_city", 481 * M, True),
    ("circuit_rental", "diamond", "cross_city", 31 * M, True),       # diamond: 30 minutes
    ("circuit_rental", "provincial", "cross_city", 31 * M, True),
    ("other", "diamond", "local", 600 * M, False),
])
def test_guangdong_serious_fault_thresholds(service, grade, scope, lasted, serious):
    assert rules.is_serious(service, grade, scope, lasted) is serious


@pytest.mark.parametrize("offsets, now, serious", [
    ([0, 10, 30], 61, True),      # 3 customers within 30 min, lasting more than 30 min from the 3rd report
    ([0, 10, 30], 60, False),     # exactly 30 minutes after the 3rd: not yet
    ([0, 10, 31], 120, False),    # the 3rd came 31 minutes after the 1st: no cluster
    ([0, 10], 120, False),        # only 2 customers
    ([0, 40, 45, 50], 81, True),  # a later window of 3 counts (its 3rd report at 50)
    ([0, 40, 45, 50], 80, False),
])
def test_three_ordinary_customers_within_30_minutes(offsets, now, serious):
    reports = [(f"客户{i}", T0 + o * M) for i, o in enumerate(offsets)]
    assert rules.cluster_is_serious(reports, T0 + now * M) is serious


def test_one_customer_reporting_three_times_is_one_customer():
    assert rules.ordinary_cluster_start([("同一客户", T0), ("同一客户", T0 + M), ("同一客户", T0 + 2 * M)]) is None


LINE = {**ORDER, "access_type": "enterprise", "customer_grade": "diamond", "line_scope": "local",
        "enterprise_service": "internet_access", "circuit_id": "GZ-ZX-000123", "customer_name": "示例市第一医院"}


def test_enterprise_order_needs_its_line_and_shows_it(login, user_ids, db):
    desk = login("disp")
    assert desk.post("/orders/new", {**LINE, "circuit_id": ""}).status_code == 422
    assert desk.post("/orders/new", {**LINE, "customer_grade": "emperor"}).status_code == 422
    response = desk.post("/orders/new", {**LINE, "service_level": "dongli"})
    assert response.status_code == 303, response.text
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    order = state(db, order_id)
    assert order["circuit_id"] == "GZ-ZX-000123" and order["service_level"] == "dongli"
    page = desk.get(f"/orders/{order_id}").text
    assert 'id="circuit-id">GZ-ZX-000123<' in page and "东丽" in page
    created = datetime.datetime.fromisoformat(order["created_at"])
    assert created.astimezone(TZ).strftime("%H:%M") != "" and 'id="serious-at"' in page


def test_the_sla_table_row_sets_the_clocks(login, user_ids, db):
    db.conn.execute("INSERT INTO enterprise_sla VALUES ('gold', '金牌客户', '示例市第一医院', '', 5, 10, 20, 60, 90, 1, 'contract')")
    desk = login("disp")
    response = desk.post("/orders/new", {**LINE, "service_level": "gold", "technician_id": str(user_ids["techb"])})
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    clocks = {c["policy_code"]: c for c in db.query("SELECT * FROM order_clocks WHERE order_id = ?", [order_id])}
    started = datetime.datetime.fromisoformat(clocks["enterprise_escalation_120"]["started_at"])
    assert clocks["enterprise_escalation_120"]["due_at"] == to_text(started + 60 * M)
    assert clocks["enterprise_escalation_180"]["due_at"] == to_text(started + 90 * M)
    assert clocks["enterprise_sign"]["due_at"] == to_text(datetime.datetime.fromisoformat(clocks["enterprise_sign"]["started_at"]) + 5 * M)


def test_fault_report_within_two_working_days(login, user_ids, db, phone):
    from tests.test_order_flow import CLOSURE, local_input
    desk = login("disp")
    response = desk.post("/orders/new", {**LINE, "service_level": "dongli", "technician_id": str(user_ids["techb"])})
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    tech = phone("techb")
    tech.restore(order_id)
    closure = {**CLOSURE, "confirmation": "nms", "confirmed_by": "网管值班 王强", "confirmed_at": local_input(-1)}
    assert tech.act(order_id, "returned", fields=closure)["status"] == "applied", closure
    clock = next(iter(db.query("SELECT * FROM order_clocks WHERE order_id = ? AND policy_code = 'enterprise_fault_report'", [order_id])))
    assert clock["stopped_at"] is None
    assert desk.post(f"/orders/{order_id}/fault-report", {"cause": "x", "handling_process": "y", "participants": "z"}).status_code == 422
    report = {"cause": "光缆被施工挖断", "handling_process": "抢修熔接，业务恢复", "participants": "值班 周敏；代维 张工；客户 网管 李科长"}
    assert desk.post(f"/orders/{order_id}/fault-report", report).status_code == 303
    clock = next(iter(db.query("SELECT * FROM order_clocks WHERE order_id = ? AND policy_code = 'enterprise_fault_report'", [order_id])))
    assert clock["stopped_at"] is not None
    assert "光缆被施工挖断" in desk.get(f"/orders/{order_id}").text


def test_three_ordinary_customers_make_the_page_say_serious(app, db, login):
    from webapp.db import transaction
    from webapp.orders import store
    now = datetime.datetime.now(TZ)
    ids = []
    for index, minutes_ago in enumerate((100, 90, 71)):   # the 3rd report 71 minutes ago: serious since 41 minutes ago
        with app.app_context(), transaction(db):
            ids.append(store.create_order(db, {**LINE, "customer_grade": "ordinary", "customer_name": f"企业{index}",
                                               "order_type": "repair"}, None, now - minutes_ago * M, TZ))
    page = login("disp").get(f"/orders/{ids[0]}").text
    assert 'id="serious-fault"' in page
    with app.app_context(), transaction(db):
        lone = store.create_order(db, {**LINE, "customer_grade": "ordinary", "customer_name": "企业X",
                                       "enterprise_service": "voice_line", "order_type": "repair"}, None, now - 200 * M, TZ)
    assert 'id="serious-fault"' not in login("disp").get(f"/orders/{lone}").text


def test_participants_and_loop_tests(login, user_ids, db):
    desk = login("disp")
    response = desk.post("/orders/new", {**LINE, "service_level": "dongli"})
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    for role, name in (("duty", "值班 周敏"), ("outsourced", "代维 张工"), ("leader", "客响中心主任"), ("customer", "医院网管 李科长")):
        assert desk.post(f"/orders/{order_id}/participants", {"role": role, "name": name}).status_code == 303
    assert desk.post(f"/orders/{order_id}/participants", {"role": "king", "name": "x"}).status_code == 422
    now = datetime.datetime.now(TZ)
    test = {"loop_point": "客户端光端机", "result": "failed", "tested_at": now.strftime("%Y-%m-%dT%H:%M")}
    assert desk.post(f"/orders/{order_id}/loop-tests", test).status_code == 303
    for before in ((now - 10 * M).strftime("%Y-%m-%dT%H:%M"), "1970-01-01T00:00"):   # before the order existed
        response = desk.post(f"/orders/{order_id}/loop-tests", {**test, "tested_at": before})
        assert response.status_code == 409 and "创建" in response.text
    future = {**test, "tested_at": (now + 60 * M).strftime("%Y-%m-%dT%H:%M")}
    assert desk.post(f"/orders/{order_id}/loop-tests", future).status_code == 409
    page = desk.get(f"/orders/{order_id}").text
    assert "代维 张工" in page and "客户端光端机" in page
    assert [r["role"] for r in db.query("SELECT role FROM enterprise_participants ORDER BY id")] == ["duty", "outsourced", "leader", "customer"]
    home = desk.post("/orders/new", ORDER)
    home_id = int(home.headers["Location"].rsplit("/", 1)[1])
    assert desk.post(f"/orders/{home_id}/loop-tests", test).status_code == 409


def test_the_dongli_fault_clocks_do_not_run_on_an_enterprise_installation(login, db):
    """001_0f71c2c57f075d23.txt: the sign / contact / progress / escalation / fault-report limits are for faults."""
    desk = login("disp")
    made = {}
    for order_type, symptom in (("installation", "new_install"), ("repair", "no_service")):
        fields = {**LINE, "order_type": order_type, "symptom": symptom, "service_level": "dongli"}
        if order_type == "installation":
            fields["due_date"] = (datetime.datetime.now(TZ) + datetime.timedelta(days=30)).date().isoformat()
        response = desk.post("/orders/new", fields)
        assert response.status_code == 303, response.text
        made[order_type] = int(response.headers["Location"].rsplit("/", 1)[1])
    codes = {kind: {c["policy_code"] for c in db.query("SELECT policy_code FROM order_clocks WHERE order_id = ?", [order_id])}
             for kind, order_id in made.items()}
    assert not {code for code in codes["installation"] if code.startswith("enterprise_")}, codes
    assert "enterprise_escalation_120" in codes["repair"]
