"""The supervisor's administration in Chromium (issue 22): next year's holidays and a make-up workday move an SLA
deadline; deactivating a technician ends their session and keeps their orders' history; each change is audited."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from webapp.auth.users import load_user
from webapp.db import transaction
from webapp.orders import store
from webapp.timeutil import utcnow, zone
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHANGHAI = zone("Asia/Shanghai")


def log_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_next_years_holidays_move_a_deadline_and_are_audited(live_server, browser, db, user_ids):
    year = utcnow().astimezone(SHANGHAI).year + 1
    # A complaint received at 16:00 on 30 September next year; 5 working days for the investigation.
    created = datetime.datetime(year, 9, 30, 16, 0, tzinfo=SHANGHAI)
    with transaction(db):
        order_id = store.create_order(db, {"order_type": "complaint", "access_type": "ftth", "symptom": "slow",
                                           "customer_name": "李女士", "contact_phone": "13800000002", "district": "东城区"},
                                      user_ids["disp"], created, SHANGHAI)
    from webapp.sla.clock import WorkCalendar, add_working_days
    from webapp.sla import engine
    before = add_working_days(created, 5, SHANGHAI, engine.load_calendar(db))
    golden_week = frozenset(datetime.date(year, 10, d) for d in range(1, 8))
    saturday = next(datetime.date(year, 10, d) for d in range(8, 15) if datetime.date(year, 10, d).weekday() == 5)
    after = add_working_days(created, 5, SHANGHAI, WorkCalendar(golden_week, frozenset({saturday})))
    assert before != after

    page = browser.new_context(locale="zh-CN").new_page()
    log_in(page, live_server, "boss")
    page.goto(f"{live_server}/orders/{order_id}")
    expect(page.locator(".clocks")).to_contain_text(before.strftime("%m-%d 23:59"))
    page.click("#admin-link")
    expect(page.locator("h1")).to_contain_text("人员")
    page.click("text=节假日")
    page.click("#next-year")
    expect(page.locator("h1")).to_contain_text(str(year))
    page.fill("textarea[name=holidays]", f"{year}-01-01 元旦\n{year}年10月1日至{year}年10月7日 国庆节")
    page.fill("textarea[name=workdays]", f"{saturday.isoformat()} 国庆调休")
    page.click("#holiday-form button[type=submit]")
    expect(page.locator(".flash-ok")).to_contain_text("1")
    expect(page.locator("#workdays")).to_contain_text(saturday.isoformat())
    page.goto(f"{live_server}/orders/{order_id}")
    expect(page.locator(".clocks")).to_contain_text(after.strftime("%m-%d 23:59"))
    page.goto(f"{live_server}/admin/audit")
    entry = page.locator(".audit-entry[data-entity=holiday_year]")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("国庆调休")


def test_deactivating_a_technician_ends_their_session_and_keeps_history(live_server, browser, db, user_ids):
    now = utcnow() - datetime.timedelta(minutes=5)
    with transaction(db):
        order_id = store.create_order(db, {"order_type": "repair", "access_type": "ftth", "symptom": "no_service",
                                           "customer_name": "王先生", "contact_phone": "13800000001", "district": "东城区"},
                                      user_ids["disp"], now, SHANGHAI)
    store.assign(db, order_id, load_user(db, user_ids["disp"]), user_ids["techa"], now, SHANGHAI)
    technician = browser.new_context(locale="zh-CN").new_page()
    log_in(technician, live_server, "techa")
    expect(technician).to_have_url(f"{live_server}/jobs/")

    boss = browser.new_context(locale="zh-CN").new_page()
    log_in(boss, live_server, "boss")
    boss.goto(f"{live_server}/admin/people")
    boss.click(f"#person-{user_ids['techa']} a")
    boss.fill("#edit-person input[name=company]", "华信代维")
    boss.click("#edit-person button[type=submit]")
    expect(boss.locator(".flash-ok")).to_be_visible()
    boss.click("#set-active button[type=submit]")
    expect(boss.locator("#deactivated")).to_be_visible()

    technician.goto(f"{live_server}/jobs/")
    expect(technician).to_have_url(re.compile(r"/login\?next="))
    technician.fill("input[name=username]", "techa")
    technician.fill("input[name=password]", PASSWORD)
    technician.click("main button[type=submit]")
    expect(technician.locator("main .flash-error[role=status]")).to_contain_text("用户名或密码错误")  # cannot log in again

    boss.goto(f"{live_server}/orders/{order_id}")
    expect(boss.locator("main")).to_contain_text("技术员 A")  # the order's history still names them
    boss.goto(f"{live_server}/admin/audit?entity=user")
    actions = boss.locator(".audit-entry").evaluate_all("rows => rows.map(r => r.dataset.action)")
    assert actions == ["deactivate", "update"]
    expect(boss.locator(".audit-entry").nth(1)).to_contain_text("华信代维")


def test_administration_reports_and_desk_notices_have_no_serious_accessibility_violation(live_server, browser, db, user_ids):
    from axe_playwright_python.sync_playwright import Axe
    page = browser.new_context(locale="zh-CN").new_page()
    log_in(page, live_server, "boss")
    axe, grave = Axe(), {}
    for path in ("/admin/people", f"/admin/people/{user_ids['techa']}", "/admin/holidays", "/admin/policies",
                 "/admin/lists", "/admin/devices", "/admin/audit", "/reports/", "/notices"):
        page.goto(f"{live_server}{path}")
        results = axe.run(page)
        found = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]
                 if v["impact"] in ("serious", "critical")]
        if found:
            grave[path] = found
    assert grave == {}
