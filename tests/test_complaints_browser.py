"""Real Chromium: the desk's slow-speed reply form refuses too few rows and keeps what was typed (issue 21 item 2)."""
import pytest
from playwright.sync_api import expect

from tests.test_browser import log_in, shot
from tests.test_complaints import DOMAINS
from tests.test_order_flow import new_order

pytestmark = pytest.mark.browser


def test_slow_speed_reply_refuses_four_rows_for_all_then_saves_five(login, user_ids, live_server, browser, db):
    order_id = new_order(login, user_ids, order_type="complaint", symptom="slow")
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    log_in(page, live_server, "disp")
    page.goto(f"{live_server}/orders/{order_id}")
    page.click("#complaint-desk-link")
    expect(page.locator("#ping-parameters")).to_contain_text("2000")
    page.check("#services input[value=web]")
    page.check("#scope input[value=all]")
    page.fill("input[name=ping_target]", "10.20.30.40")
    page.fill("input[name=ping_loss_percent]", "3")
    page.fill("input[name=ping_latency_ms]", "45")
    for index, domain in enumerate(DOMAINS[:4]):
        page.fill(f"input[name=rows-{index}-domain]", domain)
        page.fill(f"input[name=rows-{index}-ip]", f"120.232.1.{index + 1}")
        page.select_option(f"select[name=rows-{index}-resource_attribute]", "third_party_egress")
    page.click("button[data-action=save_slow_speed_reply]")
    expect(page.locator("#complaint-problems")).to_contain_text("5")
    expect(page.locator("input[name=rows-3-domain]")).to_have_value(DOMAINS[3])
    shot(page, "complaint-slow-speed-refused")
    assert not list(db.query("SELECT * FROM complaint_records"))

    page.fill("input[name=rows-4-domain]", DOMAINS[4])
    page.fill("input[name=rows-4-ip]", "120.232.1.5")
    page.select_option("select[name=rows-4-resource_attribute]", "provincial_cache")
    page.click("button[data-action=save_slow_speed_reply]")
    expect(page.locator("#slow-speed-saved")).to_be_visible()
    assert len(list(db.query("SELECT * FROM complaint_records WHERE slow_speed_reply IS NOT NULL"))) == 1
