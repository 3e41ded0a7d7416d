"""The supervisor's administration (issue 22 item 1): people, holidays, SLA policies, lists, devices, audit log."""
import datetime
import json

from webapp.auth.users import load_user
from webapp.db import transaction
from webapp.orders import store
from webapp.timeutil import from_text, zone
from tests.conftest import PASSWORD, csrf_from

SHANGHAI = zone("Asia/Shanghai")


def audit_rows(db, entity):
    return list(db.query("SELECT * FROM audit_log WHERE entity = ? ORDER BY id", [entity]))


def test_only_a_supervisor_sees_and_opens_the_administration(login):
    boss, disp, tech = login("boss"), login("disp"), login("techa")
    assert 'id="admin-link"' in boss.get("/dispatch/").text
    assert 'id="admin-link"' not in disp.get("/dispatch/").text
    for url in ("/admin/people", "/admin/holidays", "/admin/policies", "/admin/audit", "/reports/"):
        assert boss.get(url).status_code == 200, url
        assert disp.get(url).status_code == 403, url
        assert tech.get(url).status_code == 403, url
    assert disp.post("/admin/people", {"username": "x1", "password": "long-enough-pw", "role": "supervisor"}).status_code == 403


def test_create_and_change_a_person_is_audited(login, db):
    boss = login("boss")
    response = boss.post("/admin/people", {"username": "techc", "display_name": "技术员 C", "password": "another-good-pw",
                                           "role": "technician", "district": "东城区", "grid": "网格 3",
                                           "company": "华信代维", "skills": ["FTTH", "wifi"], "skills_shown": "1",
                                           "phone": "13900000003"})
    assert response.status_code == 303, response.text
    row = next(iter(db.query("SELECT * FROM users WHERE username = 'techc'")))
    assert (row["role"], row["grid"], row["company"], row["skills"]) == ("technician", "网格 3", "华信代维", "FTTH,wifi")
    assert boss.post(f"/admin/people/{row['id']}", {"display_name": "技术员 C", "role": "technician", "district": "西城区",
                                                   "grid": "网格 3", "company": "长城代维", "skills": ["FTTB"], "skills_shown": "1",
                                                   "phone": "13900000003"}).status_code == 303
    created, changed = audit_rows(db, "user")
    assert created["action"] == "create" and created["before"] is None
    assert "password" not in created["after"] and "hash" not in created["after"]
    before, after = json.loads(changed["before"]), json.loads(changed["after"])
    assert (before["company"], after["company"]) == ("华信代维", "长城代维")
    assert (before["district"], after["district"]) == ("东城区", "西城区")
    page = boss.get("/admin/audit?entity=user").text
    assert "长城代维" in page and "华信代维" in page


def test_bad_people_input_is_explained_not_stored(login, db):
    boss = login("boss")
    for form in ({"username": "bad name!", "password": "another-good-pw", "role": "technician"},
                 {"username": "techd", "password": "short", "role": "technician"},
                 {"username": "techd", "password": "another-good-pw", "role": "king"},
                 {"username": "techd", "password": "another-good-pw", "role": "technician", "district": "火星区"},
                 {"username": "techa", "password": "another-good-pw", "role": "technician"}):
        response = boss.post("/admin/people", form)
        assert response.status_code == 422, form
        assert 'id="errors"' in response.text
    assert db.execute_returning_dicts("SELECT COUNT(*) AS n FROM users WHERE username = 'techd'")[0]["n"] == 0
    assert audit_rows(db, "user") == []


def _order_for(db, user_ids, technician):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(hours=1)
    with transaction(db):
        order_id = store.create_order(db, {"order_type": "repair", "access_type": "ftth", "symptom": "no_service",
                                           "customer_name": "王先生", "contact_phone": "13800000001", "district": "东城区"},
                                      user_ids["disp"], now, SHANGHAI)
    store.assign(db, order_id, load_user(db, user_ids["disp"]), user_ids[technician], now, SHANGHAI)
    return order_id


def test_deactivating_ends_sessions_keeps_history_and_blocks_login(app, login, db, user_ids):
    order_id = _order_for(db, user_ids, "techa")
    tech, boss = login("techa"), login("boss")
    assert tech.get("/jobs/").status_code == 200
    assert boss.post(f"/admin/people/{user_ids['techa']}/active", {"active": "0"}).status_code == 303
    assert tech.get("/jobs/").status_code == 302  # the session ended: back to the login page
    assert tech.get("/api/sync/pull?client_id=x").status_code == 401
    client = app.test_client()
    token = csrf_from(client.get("/login").text)
    assert client.post("/login", data={"username": "techa", "password": PASSWORD, "csrf_token": token}).status_code == 401
    order = boss.get(f"/orders/{order_id}").text
    assert "技术员 A" in order  # their order keeps its history
    assert db.execute_returning_dicts("SELECT technician_id FROM orders WHERE id = ?", [order_id])[0]["technician_id"] == user_ids["techa"]
    entry = audit_rows(db, "user")[-1]
    assert entry["action"] == "deactivate" and json.loads(entry["after"])["active"] == 0
    assert boss.post(f"/admin/people/{user_ids['boss']}/active", {"active": "0"}).status_code == 422  # not oneself
    # a deactivated technician cannot be given work
    disp = login("disp")
    other = _order_for(db, user_ids, "techb")
    response = disp.post(f"/orders/{other}/act/reassign", {"technician_id": user_ids["techa"]})
    assert response.status_code in (409, 422), response.status_code


def test_reset_password_ends_sessions_and_is_audited_without_the_password(app, login, db, user_ids):
    tech, boss = login("techb"), login("boss")
    assert boss.post(f"/admin/people/{user_ids['techb']}/password", {"password": "123"}).status_code == 422
    assert boss.post(f"/admin/people/{user_ids['techb']}/password", {"password": "fresh-secret-99"}).status_code == 303
    assert tech.get("/jobs/").status_code == 302
    client = app.test_client()
    token = csrf_from(client.get("/login").text)
    assert client.post("/login", data={"username": "techb", "password": "fresh-secret-99", "csrf_token": token}).status_code == 303
    entry = audit_rows(db, "user")[-1]
    assert entry["action"] == "reset_password" and "fresh-secret" not in entry["after"]


NOTICE_2027 = """2027-01-01 元旦
2027-02-06 ~ 2027-02-13 春节
2027年10月1日至2027年10月7日 国庆节"""


def test_a_year_of_holidays_in_one_go_moves_a_working_day_deadline(login, db, user_ids):
    # A complaint received on Thursday 30 Sep 2027 (16:00 Shanghai): 5 working days without the notice end on
    # Thursday 7 Oct; with National Day 1-7 Oct off and Saturday 9 Oct a make-up workday: Fri 8, Sat 9, Mon 11,
    # Tue 12, Wed 13 October.
    created = datetime.datetime(2027, 9, 30, 16, 0, tzinfo=SHANGHAI)
    with transaction(db):
        order_id = store.create_order(db, {"order_type": "complaint", "access_type": "ftth", "symptom": "slow",
                                           "customer_name": "李女士", "contact_phone": "13800000002", "district": "东城区"},
                                      user_ids["disp"], created, SHANGHAI)

    def due():
        row = db.execute_returning_dicts("SELECT due_at FROM order_clocks WHERE order_id = ? AND policy_code = "
                                         "'complaint_investigation'", [order_id])[0]
        return from_text(row["due_at"]).astimezone(SHANGHAI)
    # the statutory 1-3 October are seeded; before the notice the deadline is Friday 8 October
    assert due().date() == datetime.date(2027, 10, 8)
    boss = login("boss")
    response = boss.post("/admin/holidays?year=2027", {"year": "2027", "holidays": NOTICE_2027,
                                                       "workdays": "2027-02-20 春节调休\n2027-10-09 国庆调休"})
    assert response.status_code == 303, response.text
    assert due().date() == datetime.date(2027, 10, 13)
    kinds = {r["day"]: r["kind"] for r in db.query("SELECT * FROM holidays WHERE day LIKE '2027-%'")}
    assert kinds["2027-02-10"] == "holiday" and kinds["2027-10-09"] == "workday" and len(kinds) == 18
    entry = audit_rows(db, "holiday_year")[-1]
    assert entry["entity_key"] == "2027" and "国庆调休" in entry["after"] and "国庆调休" not in (entry["before"] or "")
    page = boss.get("/admin/holidays?year=2027").text
    assert "2027-10-01 ~ 2027-10-07 国庆节" in page


def test_a_bad_notice_line_is_named_and_nothing_changes(login, db):
    boss = login("boss")
    before = db.execute_returning_dicts("SELECT COUNT(*) AS n FROM holidays")[0]["n"]
    for holidays, workdays in (("2027-02-30 春节", ""), ("明年元旦", ""), ("2028-01-01 元旦", ""),
                               ("2027-10-01 国庆", "2027-10-01 调休"), ("", "2027-10-08 周五")):
        response = boss.post("/admin/holidays?year=2027", {"year": "2027", "holidays": holidays, "workdays": workdays})
        assert response.status_code == 422, (holidays, workdays)
        assert 'id="errors"' in response.text
    assert db.execute_returning_dicts("SELECT COUNT(*) AS n FROM holidays")[0]["n"] == before


def test_sla_policy_edits_are_validated_and_audited(login, db):
    boss = login("boss")
    page = boss.get("/admin/policies").text
    assert "004_90cb35396d5b5103.txt" in page  # the seeded source is shown
    for form in ({"amount": "30", "warn_minutes": "30", "escalate_role": "dispatcher", "active": "1"},
                 {"amount": "-5", "warn_minutes": "1", "escalate_role": "dispatcher", "active": "1"},
                 {"amount": "abc", "warn_minutes": "1", "escalate_role": "dispatcher", "active": "1"},
                 {"amount": "30", "warn_minutes": "10", "escalate_role": "technician", "active": "1"}):
        assert boss.post("/admin/policies/first_appointment", form).status_code == 422, form
    assert boss.post("/admin/policies/first_appointment", {"amount": "45", "warn_minutes": "15",
                                                          "escalate_role": "supervisor", "active": "1"}).status_code == 303
    row = db.execute_returning_dicts("SELECT * FROM sla_policies WHERE code = 'first_appointment'")[0]
    assert (row["amount"], row["warn_minutes"], row["escalate_role"]) == (45, 15, "supervisor")
    entry = audit_rows(db, "sla_policy")[-1]
    assert json.loads(entry["before"])["amount"] == 30 and json.loads(entry["after"])["amount"] == 45
    assert boss.post("/admin/policies/no_such", {"amount": "1", "warn_minutes": "0", "escalate_role": "dispatcher"}).status_code == 422


def test_lists_and_devices_are_edited_and_audited(login, db):
    boss = login("boss")
    assert "网络质量" in boss.get("/admin/lists").text
    assert boss.post("/admin/lists/complaint_focus", {"code": "olt", "label": "OLT 故障", "active": "1"}).status_code == 303
    assert boss.post("/admin/lists/complaint_focus", {"code": "olt", "label": "OLT 设备故障"}).status_code == 303
    assert boss.post("/admin/lists/complaint_focus", {"code": "bad code", "label": "x"}).status_code == 422
    assert boss.post("/admin/lists/nonsense", {"code": "a", "label": "x"}).status_code == 422
    row = db.execute_returning_dicts("SELECT * FROM classifications WHERE list = 'complaint_focus' AND code = 'olt'")[0]
    assert (row["label"], row["active"]) == ("OLT 设备故障", 0)
    assert boss.post("/admin/devices", {"model": "HG8245Q2", "vendor": "华为", "kind": "ont",
                                        "access_types": ["ftth"], "active": "1"}).status_code == 303
    assert boss.post("/admin/devices", {"model": "", "kind": "ont"}).status_code == 422
    assert "HG8245Q2" in boss.get("/admin/devices").text
    assert [r["action"] for r in audit_rows(db, "classification")] == ["create", "update"]
    assert [r["entity_key"] for r in audit_rows(db, "device")] == ["HG8245Q2"]


def test_the_fault_classes_are_edited_from_the_lists_page_and_audited(login, db, user_ids):
    """One list of fault classes (webapp/complaints/fault_classes.py): the lists page leads there, and its changes are audited."""
    boss = login("boss")
    assert "/complaints/fault-classes" in boss.get("/admin/lists").text
    assert boss.post("/complaints/fault-classes", {"code": "splitter", "name_zh": "分光器故障", "name_en": "Splitter",
                                                   "position": "15", "active": "y"}).status_code == 303
    assert boss.post("/complaints/fault-classes", {"code": "router", "name_zh": "客户路由器", "name_en": "Customer router",
                                                   "position": "30"}).status_code == 303  # retired
    _order_for(db, user_ids, "techa")
    page = login("techa").get("/jobs/").text
    boot = json.loads(page.split('<script type="application/json" id="boot">')[1].split("</script>")[0])
    assert ["splitter", "分光器故障"] in boot["closure_classes"]
    assert "router" not in [code for code, _ in boot["closure_classes"]]
    assert ["drop_cable", "皮线/光纤"] in boot["closure_classes"]
    keys = [(r["entity_key"], r["action"]) for r in audit_rows(db, "classification")]
    assert keys == [("fault_class:splitter", "create"), ("fault_class:router", "update")]


def test_command_line_calendar_and_policy_changes_are_audited_too(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sla", "holiday", "2027-10-09", "--workday", "--name", "国庆调休"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["sla", "set", "first_appointment", "--amount", "40"])
    assert result.exit_code == 0, result.output
    entries = {(r["entity"], r["actor_id"]): json.loads(r["after"]) for r in db.query("SELECT * FROM audit_log")}
    assert entries[("holiday_year", None)]["kind"] == "workday"
    assert entries[("sla_policy", None)]["amount"] == 40


HOSTILE = ["x" * 5000, "<script>alert(1)</script>", "1e309", "-1", "０１２", "\x00", "2027-13-45", "💥" * 30]


def test_hostile_input_to_every_administration_form_is_refused_or_stored_as_text_never_a_500(login, db, user_ids):
    boss = login("boss")
    techa = user_ids["techa"]
    for value in HOSTILE:
        posts = [
            ("/admin/people", {"username": value, "password": value, "role": value, "display_name": value, "district": value,
                               "grid": value, "company": value, "skills": [value], "skills_shown": "1", "phone": value}),
            (f"/admin/people/{techa}", {"display_name": value, "role": "technician", "grid": value, "company": value,
                                        "skills": [value], "skills_shown": "1", "phone": value}),
            (f"/admin/people/{techa}/password", {"password": value}),
            ("/admin/holidays?year=2027", {"year": "2027", "holidays": value, "workdays": value}),
            (f"/admin/holidays?year={value}", {"holidays": ""}),
            ("/admin/policies/first_appointment", {"amount": value, "warn_minutes": value, "escalate_role": value}),
            (f"/admin/policies/{value}", {"amount": "1"}),
            ("/admin/lists/fault_class", {"code": value, "label": value}),
            ("/admin/devices", {"model": value, "vendor": value, "kind": value, "access_types": [value]}),
        ]
        for url, form in posts:
            response = boss.post(url, form)
            assert response.status_code < 500, (url, value, response.status_code)
        for url in (f"/admin/audit?entity={value}", f"/reports/?first={value}&last={value}", f"/notices?kind={value}&policy={value}"):
            assert boss.get(url).status_code < 500, url
    page = boss.get(f"/admin/people/{techa}").text
    assert "<script>alert(1)</script>" not in page
    assert not list(db.query("SELECT id FROM users WHERE instr(display_name, char(0)) OR instr(company, char(0))"))
    # bytes that are not UTF-8 (a lone surrogate's encoding) in a raw form body
    raw = f"csrf_token={boss.token}&display_name=%ED%A0%80&role=technician&company=%FF%FE".encode()
    response = boss.client.post(f"/admin/people/{techa}", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


def test_a_technician_holding_open_orders_keeps_the_role_until_they_are_reassigned(login, db, user_ids):
    _order_for(db, user_ids, "techb")
    boss = login("boss")
    response = boss.post(f"/admin/people/{user_ids['techb']}", {"display_name": "技术员 B", "role": "dispatcher"})
    assert response.status_code == 422 and "1" in response.text
    assert db.execute_returning_dicts("SELECT role FROM users WHERE id = ?", [user_ids["techb"]])[0]["role"] == "technician"
    page = boss.post(f"/admin/people/{user_ids['techb']}/active", {"active": "0"}, follow_redirects=True).text
    assert "flash-warn" in page


def test_an_implausible_year_of_holidays_is_refused_with_the_reason(login, db):
    # A whole year pasted as holidays (365 dates in one range-free list) or hundreds of lines is refused, not saved.
    boss = login("boss")
    before = db.execute_returning_dicts("SELECT COUNT(*) AS n FROM holidays")[0]["n"]
    every_day = "\n".join(f"2027-{m:02d}-01 ~ 2027-{m:02d}-14 假\n2027-{m:02d}-15 ~ 2027-{m:02d}-28 假" for m in range(1, 13))
    many_lines = "\n".join(["2027-10-01 国庆节"] * 101)
    for holidays, fragment in ((every_day, "336"), (many_lines, "100")):
        response = boss.post("/admin/holidays?year=2027", {"year": "2027", "holidays": holidays, "workdays": ""})
        assert response.status_code == 422
        assert fragment in response.text and 'id="errors"' in response.text
    sixty_one = "\n".join(f"2027-{m:02d}-01 ~ 2027-{m:02d}-05 假" for m in range(1, 13)) + "\n2027-12-20 假"
    response = boss.post("/admin/holidays?year=2027", {"year": "2027", "holidays": sixty_one, "workdays": ""})
    assert response.status_code == 422 and "60" in response.text
    assert db.execute_returning_dicts("SELECT COUNT(*) AS n FROM holidays")[0]["n"] == before


def test_a_policy_title_follows_its_edited_amount(login, db):
    boss = login("boss")
    assert "投诉解决方案（7 个工作日）" in boss.get("/admin/policies").text
    assert boss.post("/admin/policies/complaint_solution", {"amount": "9", "warn_minutes": "480",
                                                           "escalate_role": "supervisor", "active": "1"}).status_code == 303
    page = boss.get("/admin/policies").text
    assert "投诉解决方案（9 个工作日）" in page and "投诉解决方案（7 个工作日）" not in page
    assert "投诉受理回复（24 小时）" in page and "政企 120 分钟升级" in page
