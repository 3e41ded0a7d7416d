"""Review r22: failing tests reproducing bugs found in issue 22's administration."""
import datetime

from webapp.db import transaction
from webapp.orders import store
from webapp.timeutil import from_text, zone

SHANGHAI = zone("Asia/Shanghai")


def test_a_holiday_after_a_deadline_does_not_move_it_after_the_policy_amount_changed(login, db, user_ids):
    # A complaint received Thu 30 Sep 2027 16:00: 5 working days (seeded 1-3 Oct off) end Fri 8 Oct.
    created = datetime.datetime(2027, 9, 30, 16, 0, tzinfo=SHANGHAI)
    with transaction(db):
        order_id = store.create_order(db, {"order_type": "complaint", "access_type": "ftth", "symptom": "slow",
                                           "customer_name": "李女士", "contact_phone": "13800000002", "district": "东城区"},
                                      user_ids["disp"], created, SHANGHAI)

    def due():
        row = db.execute_returning_dicts("SELECT due_at FROM order_clocks WHERE order_id = ? AND policy_code = "
                                         "'complaint_investigation'", [order_id])[0]
        return from_text(row["due_at"]).astimezone(SHANGHAI).date()
    assert due() == datetime.date(2027, 10, 8)
    boss = login("boss")
    # The supervisor lengthens the policy: "clocks started from now on use it" -- this clock keeps 5 days.
    assert boss.post("/admin/policies/complaint_investigation", {"amount": "10", "warn_minutes": "480",
                                                                 "escalate_role": "supervisor", "active": "1"}).status_code == 303
    assert due() == datetime.date(2027, 10, 8)
    # A holiday on Tue 12 Oct, after this clock's deadline, must not move it.
    response = boss.post("/admin/holidays?year=2027", {"year": "2027", "workdays": "",
                                                       "holidays": "2027-01-01 元旦\n2027-10-01 ~ 2027-10-03 国庆节\n2027-10-12 test"})
    assert response.status_code == 303, response.text
    assert due() == datetime.date(2027, 10, 8)  # fails: moved to 11 Oct (recomputed with the new amount of 10)


def _report_with_group(label):
    from webapp.reports.kpi import KPIS
    figures = {kpi: (1, 2) for kpi in KPIS}
    return {"first": "2026-11-01", "last": "2026-11-30", "totals": figures, "breaches": {},
            "by": {"technician": [{"key": 7, "figures": figures, "breaches": {}}]}}, (lambda dimension, key: label)


def test_exported_names_never_become_spreadsheet_formulas():
    # A person's name (or company, district) set to a formula must reach Excel as text (OWASP CSV injection).
    import csv
    import io

    from openpyxl import load_workbook

    from webapp.reports import export
    hostile = '=HYPERLINK("http://evil.cn","点我")'
    report, name_of = _report_with_group(hostile)
    book = load_workbook(io.BytesIO(export.to_xlsx(report, name_of, {})))
    cells = [cell for row in book["technician"].iter_rows() for cell in row if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert cells and all(cell.data_type != "f" for cell in cells)  # fails: written as a live formula
    rows = list(csv.reader(io.StringIO(export.to_csv(report, name_of).lstrip("\ufeff"))))
    groups = [row[1] for row in rows[1:] if "HYPERLINK" in row[1]]
    assert groups and all(not group.startswith(("=", "+", "-", "@")) for group in groups)  # fails: starts with '='


def test_superscript_digits_in_ids_are_refused_not_a_500(login, user_ids):
    # '²'.isdigit() is True but int('²') raises ValueError: every such check answers 500 today.
    disp = login("disp")
    assert disp.post("/notices/read-all", {"order_id": "²"}).status_code < 500  # fails: 500
    for url in ("/dispatch/?technician_id=²", "/dispatch/?limit=²", "/dispatch/technicians?after=²"):
        assert disp.get(url).status_code < 500, url  # fails: 500
    assert disp.post("/dispatch/assign", {"order_id": "²", "technician_id": str(user_ids["techa"])}).status_code < 500


def test_last_months_district_figures_do_not_move_when_the_desk_corrects_the_district_today(db, user_ids):
    # Issue 22: "a report for last month does not change when an order is edited today".
    from webapp.auth.users import load_user
    from webapp.reports import kpi
    created = datetime.datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI)
    with transaction(db):
        order_id = store.create_order(db, {"order_type": "complaint", "access_type": "ftth", "symptom": "slow",
                                           "customer_name": "李女士", "contact_phone": "13800000002", "district": "东城区"},
                                      user_ids["disp"], created, SHANGHAI)
    october = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), SHANGHAI)

    def by_district():
        return {group["key"]: group["figures"]["complaint_same_day"] for group in kpi.report(db, *october)["by"]["district"]}
    before = by_district()
    assert before.get("东城区") == [0, 1]
    other = next(row["name"] for row in db.query("SELECT name FROM districts WHERE name != '东城区'"))
    desk = load_user(db, user_ids["disp"])
    fields = dict(store.get_order(db, order_id, desk))
    fields["district"] = other
    assert store.edit_order(db, order_id, desk, fields, datetime.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)) == ["district"]
    assert by_district() == before  # fails: October's complaint moved to the other district
