"""Issue 15 items 6 and 7 in Chromium (390×844): the console keeps its filters in the address across
a filter change, a reload and a bulk assignment; a new urgent unassigned order is in the default view."""
import pytest
from playwright.sync_api import expect

from tests.test_browser import PHONE, log_in, shot
from tests.test_console_attention import create
from tests.conftest import Session

pytestmark = pytest.mark.browser


def test_console_filters_survive_reload_and_bulk_assignment(app, live_server, browser, db, user_ids):
    desk = Session(app, "disp")
    west = [create(desk, district="西城区", customer_name=f"西城客户{i}") for i in range(2)]
    create(desk, district="东城区", customer_name="东城客户")
    urgent = create(desk, district="西城区", priority="urgent", customer_name="急单客户")
    page = browser.new_context(locale="zh-CN", **PHONE).new_page()
    log_in(page, live_server, "disp")
    expect(page.locator(f"#order-{urgent}")).to_be_visible()  # the default view, with a deadline from the seeds
    expect(page.locator(f"#order-{urgent}")).not_to_contain_text("无时限")

    page.select_option("#filters select[name=view]", "open")
    page.select_option("#filters select[name=district]", "西城区")
    expect(page).to_have_url(f"{live_server}/dispatch/?view=open&district=%E8%A5%BF%E5%9F%8E%E5%8C%BA")
    expect(page.locator("#queue")).not_to_contain_text("东城客户")
    page.reload()
    expect(page.locator("#filters select[name=district]")).to_have_value("西城区")
    expect(page.locator("#filters select[name=view]")).to_have_value("open")
    expect(page.locator("#queue")).not_to_contain_text("东城客户")

    for order_id in west:
        page.locator(f"#order-{order_id} input[type=checkbox]").check()
    page.select_option("#assign-technician", str(user_ids["techb"]))
    page.locator("#assign-button").click()
    expect(page.locator(".flash-ok")).to_be_visible()
    expect(page).to_have_url(f"{live_server}/dispatch/?view=open&district=%E8%A5%BF%E5%9F%8E%E5%8C%BA")
    expect(page.locator("#filters select[name=district]")).to_have_value("西城区")
    expect(page.locator("#queue")).not_to_contain_text("东城客户")
    shot(page, "15-07-console-filters-kept")
