"""Real Chromium: an installation order due within a week carries its provisioning warning on the console
(issue 21 item 9; §7.3 step 5) and on its page, and an extension moves it out of the warning."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.test_browser import log_in, shot

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")


def test_installation_warning_on_the_console(live_server, browser, db, user_ids):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    log_in(page, live_server, "disp")
    page.goto(f"{live_server}/orders/new")
    page.select_option("select[name=order_type]", "installation")
    page.select_option("select[name=symptom]", "new_install")
    page.fill("input[name=customer_name]", "吴先生")
    page.fill("input[name=contact_phone]", "13912340000")
    page.select_option("select[name=district]", "东城区")
    due = (datetime.datetime.now(TZ) + datetime.timedelta(days=5)).date()
    page.fill("input[name=due_date]", due.isoformat())
    page.click("button:has-text('创建工单')")
    expect(page.locator("#provisioning-warnings")).to_contain_text("1 周")
    order = next(iter(db.query("SELECT * FROM orders WHERE customer_name = '吴先生'")))

    page.goto(f"{live_server}/dispatch/")
    row = page.locator(f"#order-{order['id']}")
    expect(row.locator(".provisioning-warning")).to_be_visible()
    shot(page, "installation-warning-console")

    page.goto(f"{live_server}/orders/{order['id']}")
    page.click("summary:has-text('延期申请')")
    page.fill("input[name=new_due_date]", (due + datetime.timedelta(days=30)).isoformat())
    page.fill("#installation textarea[name=reason]", "客户新房装修未完工，约定延期")
    page.click("button[data-action=extension]")
    expect(page.locator("#installation-timeouts")).to_have_text("0")
    expect(page.locator("#provisioning-warnings")).to_have_count(0)
    page.goto(f"{live_server}/dispatch/?view=open")
    expect(page.locator(f"#order-{order['id']} .provisioning-warning")).to_have_count(0)
