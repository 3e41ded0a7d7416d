"""Issue 21 (field fault) in Chromium (390×844): an enterprise line's test report, typed and signed by the tester on
the technician's phone, is what the customer's own phone shows above the signature box; without it the phone
says what is missing instead of making a link."""
import pytest
from playwright.sync_api import expect

from tests.test_browser import PHONE, shot
from tests.test_enterprise_browser import LINE
from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server, tap_through  # noqa: F401
from tests.test_signoff_browser import draw, open_signoff_link

pytestmark = pytest.mark.browser


def test_the_customers_own_phone_shows_the_enterprise_test_report(app, server, db, user_ids, phone_profile, browser):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids, **LINE)
    context, page = open_job(phone_profile, server, order_id)
    tap_through(page, "accept", "make_appointment", "arrive", "restore")
    expect(page.locator(".order-head")).to_contain_text("已修复")
    link = open_signoff_link(page)
    expect(link).to_contain_text("请先在上方填写测试报告并由测试人签字")
    link.locator("[data-signoff-link]").tap()
    expect(page.locator("#signoff-qr .error")).to_contain_text("没有填写")   # nothing typed yet: no link
    assert db.execute("SELECT COUNT(*) FROM signoff_links").fetchone()[0] == 0

    report = page.locator("#test-report")
    report.locator("[data-id=rx_power_dbm] input").fill("-19.5")
    report.locator("[data-id=dns_latency_ms] input").fill("12")
    report.locator("[data-id=core_ping_loss_pct] input").fill("0")
    link.locator("[data-signoff-link]").tap()
    expect(page.locator("#signoff-qr .error")).to_contain_text("测试人还没有签名")
    draw(page, "#pad-tester")
    link.locator("[data-signoff-link]").tap()
    url = page.locator("#signoff-url")
    expect(url).to_be_visible()

    customer = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE).new_page()
    customer.goto(url.get_attribute("href"))
    shown = customer.locator("#test-report")
    expect(shown.locator("h2")).to_have_text("互联网专线全程测试")
    expect(shown.locator("dd.indicator")).to_have_count(3)
    expect(shown.locator("[data-id=rx_power_dbm]")).to_contain_text("-19.5 dBm")
    expect(shown.locator("[data-id=rx_power_dbm] .verdict")).to_have_text("合格")
    expect(shown).to_contain_text("技术员 A")
    shot(customer, "sfix-customer-link-test-report")
    customer.locator("input[name=solved][value=yes]").check()
    customer.locator("input[name=attitude][value=satisfied]").check()
    customer.locator("input[name=charged][value=no]").check()
    customer.locator("label.score-choice", has_text="10").click()
    draw(customer, "#signature-canvas")
    customer.locator("#signoff-form button[type=submit]").click()
    expect(customer.locator("#report")).to_contain_text("-19.5 dBm")
    expect(customer.locator("#verified")).to_have_class("flash flash-ok")
    assert db.execute("SELECT tester_signature_sha256 IS NOT NULL FROM signoffs WHERE order_id = ?", [order_id]).fetchone()[0] == 1
    assert context.errors == []
