"""KPI reports (issue 22 item 2) against figures worked out by hand on a fixed data set, at the seeds'
boundaries (29 and 31 minutes; 23:59 the same day and 00:01 the next; 24 hours), and the exports read back.

The data set (October 2026, Shanghai time; techa works for 华信代维, techb for 长城代维):

| order | type, district | what happened | first appt | same day | ack 24 h | repeat | one visit |
|---|---|---|---|---|---|---|---|
| 1 | repair, 东城区 | dispatch techa 10-05 10:00, appointment 10:29, one arrival, returned | met (29 min) | | | | yes |
| 2 | repair, 东城区 | dispatch techa 10:00, appointment 10:31, two arrivals, returned | missed (31 min) | | | | no |
| 3 | repair, 西城区 | dispatch techb 10-31 23:50, appointment 11-01 00:19 | met (29 min, across midnight) | | | | |
| 4 | complaint, 西城区 | created 10-10 08:00, dispatch techb 08:10, accepted 08:20, appointment 08:41, restored 23:59 | missed (31 min) | met (23:59) | met | no | |
| 5 | complaint, 东城区 | created 10-12 09:00, dispatch techa 09:05, restored 10-13 00:01, accepted 10-13 09:01 | missed (none) | missed (00:01) | missed (24 h 01 min) | no | |
| 6 | complaint, 东城区 | repeat of 5, created 10-20 10:00 | | missed | missed | yes (techa's) | |

Callbacks: order 1's done within its window and satisfied; order 2's done a day late and dissatisfied.
Breaches: order 2's first appointment on 10-05 (東城区, techa, 华信代维); one on 09-30 23:59 (outside).
"""
import csv
import datetime
import io
import json

import openpyxl
import pytest

from webapp.db import insert, transaction
from webapp.reports import kpi
from webapp.timeutil import to_text, zone

SHANGHAI = zone("Asia/Shanghai")
OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


def at(month, day, hour, minute):
    return to_text(datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI))


@pytest.fixture
def dataset(db, user_ids):
    """Write the table above straight into the database (orders, their events, callbacks, breaches)."""
    techa, techb, disp = user_ids["techa"], user_ids["techb"], user_ids["disp"]
    company = {techa: "华信代维", techb: "长城代维"}
    with transaction(db):
        db.conn.execute("UPDATE users SET company = '华信代维' WHERE id = ?", [techa])
        db.conn.execute("UPDATE users SET company = '长城代维' WHERE id = ?", [techb])
        ids = {}

        def order(n, order_type, district, created, parent=None, repeat=0):
            ids[n] = insert(db, "orders", {"order_no": f"WO-T-{n}", "order_type": order_type, "access_type": "ftth",
                                           "symptom": "no_service", "state": "created", "customer_name": f"客户{n}",
                                           "contact_phone": "13800000001", "district": district, "created_at": created,
                                           "updated_at": created, "parent_order_id": parent and ids[parent],
                                           "is_repeat": repeat})
            event(n, created, "create", disp)

        def event(n, when, action, actor, **details):
            insert(db, "order_events", {"order_id": ids[n], "at": when, "actor_id": actor, "action": action,
                                        "details": json.dumps(details)})

        def dispatch(n, when, tech):
            event(n, when, "dispatch", disp, technician_id=tech, company=company[tech])

        order(1, "repair", "东城区", at(10, 5, 9, 0))
        dispatch(1, at(10, 5, 10, 0), techa)
        event(1, at(10, 5, 10, 29), "make_appointment", techa)
        event(1, at(10, 5, 13, 0), "arrive", techa)
        event(1, at(10, 5, 15, 0), "return", techa)
        order(2, "repair", "东城区", at(10, 5, 9, 0))
        dispatch(2, at(10, 5, 10, 0), techa)
        event(2, at(10, 5, 10, 31), "make_appointment", techa)
        event(2, at(10, 5, 12, 0), "arrive", techa)
        event(2, at(10, 5, 14, 0), "arrive", techa)
        event(2, at(10, 5, 16, 0), "return", techa)
        order(3, "repair", "西城区", at(10, 31, 23, 40))
        dispatch(3, at(10, 31, 23, 50), techb)
        event(3, at(11, 1, 0, 19), "make_appointment", techb)
        order(4, "complaint", "西城区", at(10, 10, 8, 0))
        dispatch(4, at(10, 10, 8, 10), techb)
        event(4, at(10, 10, 8, 20), "accept", techb)
        event(4, at(10, 10, 8, 41), "make_appointment", techb)
        event(4, at(10, 10, 23, 59), "restore", techb)
        order(5, "complaint", "东城区", at(10, 12, 9, 0))
        dispatch(5, at(10, 12, 9, 5), techa)
        event(5, at(10, 13, 0, 1), "restore", techa)
        event(5, at(10, 13, 9, 1), "accept", techa)
        order(6, "complaint", "东城区", at(10, 20, 10, 0), parent=5, repeat=1)
        for n, created, due, done, result in ((1, at(10, 5, 15, 0), at(10, 6, 15, 0), at(10, 6, 10, 0), "satisfied"),
                                              (2, at(10, 5, 16, 0), at(10, 6, 16, 0), at(10, 7, 10, 0), "dissatisfied")):
            insert(db, "callbacks", {"order_id": ids[n], "due_at": due, "status": "done", "done_at": done, "result": result,
                                     "created_at": created})
        for n, when in ((2, at(10, 5, 10, 31)), (1, at(9, 30, 23, 59))):
            insert(db, "sla_breaches", {"order_id": ids[n], "policy_code": "first_appointment", "due_at": when,
                                        "breached_at": when, "district": "东城区", "technician_id": techa, "company": "华信代维"})
    return ids


TOTALS = {"first_appointment": [2, 5], "complaint_same_day": [1, 3], "complaint_acknowledged": [1, 3],
          "repeat_complaint": [1, 3], "callback_coverage": [1, 2], "satisfaction": [1, 2], "one_visit_fix": [1, 2]}


def by(report, dimension):
    return {group["key"]: group for group in report["by"][dimension]}


def test_figures_match_the_hand_computed_table(db, dataset, user_ids):
    report = kpi.report(db, *OCTOBER, SHANGHAI)
    assert report["totals"] == TOTALS
    assert report["breaches"] == {"first_appointment": 1}  # the 09-30 23:59 one is September's
    districts = by(report, "district")
    assert districts["东城区"]["figures"]["first_appointment"] == [1, 3]
    assert districts["西城区"]["figures"]["first_appointment"] == [1, 2]
    assert districts["西城区"]["figures"]["complaint_same_day"] == [1, 1]
    assert districts["东城区"]["figures"]["complaint_same_day"] == [0, 2]
    technicians = by(report, "technician")
    assert technicians[user_ids["techa"]]["figures"]["first_appointment"] == [1, 3]
    assert technicians[user_ids["techb"]]["figures"]["first_appointment"] == [1, 2]
    assert technicians[user_ids["techa"]]["figures"]["repeat_complaint"] == [1, 1]  # order 6 counts against 5's holder
    assert technicians[user_ids["techa"]]["breaches"] == {"first_appointment": 1}
    companies = by(report, "company")
    assert companies["华信代维"]["figures"]["one_visit_fix"] == [1, 2]
    assert companies["长城代维"]["figures"]["complaint_acknowledged"] == [1, 1]
    assert kpi.rate(report["totals"]["first_appointment"]) == 40.0


def test_the_boundaries_fall_on_the_right_side(db, dataset):
    # Only the 23:50 dispatch of 31 October decides November's first-appointment count: it is October's.
    november = kpi.report(db, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), SHANGHAI)
    assert november["totals"]["first_appointment"] == [0, 0]
    # One day, 10 October: order 4 restored at 23:59 counts as the same day.
    day = kpi.report(db, datetime.date(2026, 10, 10), datetime.date(2026, 10, 10), SHANGHAI)
    assert day["totals"]["complaint_same_day"] == [1, 1]
    # 12 October: order 5 restored at 00:01 the next day does not, and 24 h 01 min is not within 24 hours.
    day = kpi.report(db, datetime.date(2026, 10, 12), datetime.date(2026, 10, 12), SHANGHAI)
    assert day["totals"]["complaint_same_day"] == [0, 1] and day["totals"]["complaint_acknowledged"] == [0, 1]
    september = kpi.report(db, datetime.date(2026, 9, 1), datetime.date(2026, 9, 30), SHANGHAI)
    assert september["breaches"] == {"first_appointment": 1}


def test_last_months_figures_do_not_move_when_orders_and_people_change_today(db, dataset, user_ids):
    before = kpi.report(db, *OCTOBER, SHANGHAI)
    today = to_text(datetime.datetime.now(datetime.timezone.utc))
    with transaction(db):
        # today: order 2 goes to techb with a quick appointment, order 5 is reopened, techa changes company,
        # order 4 is moved to another district on the order itself
        insert(db, "order_events", {"order_id": dataset[2], "at": today, "actor_id": user_ids["disp"], "action": "reassign",
                                    "details": json.dumps({"technician_id": user_ids["techb"], "company": "长城代维"})})
        insert(db, "order_events", {"order_id": dataset[2], "at": today, "actor_id": user_ids["techb"],
                                    "action": "make_appointment", "details": "{}"})
        db.conn.execute("UPDATE orders SET technician_id = ?, is_repeat = 1 WHERE id = ?", [user_ids["techb"], dataset[2]])
        db.conn.execute("UPDATE users SET company = '新公司' WHERE id = ?", [user_ids["techa"]])
    assert kpi.report(db, *OCTOBER, SHANGHAI) == before


def test_the_page_and_the_exports_carry_the_same_figures(login, dataset):
    boss = login("boss")
    page = boss.get("/reports/?first=2026-10-01&last=2026-10-31&by=company&chart=first_appointment")
    assert page.status_code == 200
    assert "<svg" in page.text and "华信代维" in page.text and "40.0%" in page.text
    response = boss.get("/reports/export.xlsx?first=2026-10-01&last=2026-10-31")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    summary = {row[0]: row[2:5] for row in book["summary"].iter_rows(min_row=3, values_only=True)}
    for code, (met, total) in TOTALS.items():
        assert summary[code][:2] == (met, total), code
    assert summary["first_appointment"][2] == 40.0
    assert summary["breach:first_appointment"][0] == 1
    companies = {row[0]: row for row in book["company"].iter_rows(min_row=2, values_only=True)}
    assert companies["华信代维"][1] == 1  # first_appointment met
    text = boss.get("/reports/export.csv?first=2026-10-01&last=2026-10-31").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    total = next(r for r in rows if r["dimension"] == "all" and r["kpi"] == "complaint_same_day")
    assert (total["met"], total["total"], total["rate_percent"]) == ("1", "3", "33.3")
    assert any(r["group"] == "长城代维" for r in rows)


def test_a_bad_period_is_explained(login):
    boss = login("boss")
    assert boss.get("/reports/?first=2026-10-31&last=2026-10-01").status_code == 422
    assert boss.get("/reports/?first=yesterday").status_code == 422
    assert boss.get("/reports/export.pdf").status_code == 400
