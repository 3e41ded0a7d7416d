"""Issue 15 item 15 (polish) in Chromium (390×844): the role shown once, tap targets, collapsed
actions that look like disclosures, the timeline's first line, "改约" for a changed appointment,
and the offline page in the reader's language only."""
import pytest
from playwright.sync_api import expect

from tests.conftest import Session
from tests.test_browser import PHONE, log_in, shot
from tests.test_offline_browser import dispatch_order, phone_profile, server  # noqa: F401

pytestmark = pytest.mark.browser

SMALL_TARGETS = """() => [...document.querySelectorAll('header a, header button, main a.btn, main button, main summary, main input[type=checkbox]')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el.textContent.trim().slice(0, 20) || el.outerHTML.slice(0, 60), el.getBoundingClientRect()])
  .filter(([, r]) => r.height < 24 || r.width < 24)
  .map(([what, r]) => `${what} ${Math.round(r.width)}×${Math.round(r.height)}`)"""
HEADER_TARGETS = """() => [...document.querySelectorAll('header nav a, header .session a, header .session button')]
  .map((el) => el.getBoundingClientRect().height).filter((h) => h < 44).length"""


def test_desk_polish(app, live_server, browser, db, user_ids, phone):
    order_id, desk = dispatch_order(app, user_ids)
    techa = phone("techa")
    techa.act(order_id, "accepted")
    for start in ("2099-01-01T09:00", "2099-01-02T09:00"):
        result = techa.act(order_id, "appointed", fields={"appointment_start": start, "appointment_end": start[:11] + "11:00"},
                           reason="客户要求改到第二天")
        assert result["status"] == "applied", result
    db.conn.execute("UPDATE users SET display_name = '主管 郑华' WHERE username = 'boss'")
    page = browser.new_context(locale="zh-CN", **PHONE).new_page()
    log_in(page, live_server, "boss")
    expect(page.locator("header .who")).to_have_text("主管 郑华")  # the role is in the name already: said once

    page.goto(f"{live_server}/orders/{order_id}")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("改约")
    first = timeline.locator("li").last  # the list is newest first
    assert "→" not in first.inner_text(), first.inner_text()
    summary = page.locator("main details > summary").first
    assert summary.evaluate("(s) => getComputedStyle(s).borderTopStyle") == "solid"  # a disclosure, not a heading
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate(HEADER_TARGETS) == 0
    shot(page, "15-15-order-page")
    page.goto(f"{live_server}/dispatch/")
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate(HEADER_TARGETS) == 0


def test_the_offline_page_speaks_the_readers_language_only(app, live_server, browser):
    page = browser.new_context(locale="zh-CN", **PHONE).new_page()
    log_in(page, live_server, "disp")
    page.locator("form[action='/lang/en'] button").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server}/offline.html")
    expect(page.locator("h1:visible")).to_have_text("You are offline")
    expect(page.locator("body")).not_to_contain_text("当前没有网络", use_inner_text=True)
    shot(page, "15-15-offline-page-en")
    page.goto(f"{live_server}/login")
    page.locator("form[action='/lang/zh_Hans_CN'] button").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server}/offline.html")
    expect(page.locator("h1:visible")).to_have_text("当前没有网络")
    expect(page.locator("body")).not_to_contain_text("You are offline", use_inner_text=True)


def test_led_check_leftovers(app, server, user_ids, phone_profile):  # noqa: F811
    from tests.test_offline_browser import log_in as phone_log_in, ready_offline, tap_through
    order_id, _ = dispatch_order(app, user_ids)
    context = phone_profile()
    page = context.new_page()
    phone_log_in(page, server.url, "techa")
    ready_offline(page)
    page.locator(f"#job-{order_id} .job-main").tap()
    tap_through(page, "accept", "make_appointment", "depart", "arrive")
    expect(page.locator("#led-form select[name=model]")).not_to_have_value("custom")
    expect(page.locator("#led-labels-field")).to_be_hidden()  # a catalog model knows its lights
    page.select_option("#led-form select[name=model]", "custom")
    expect(page.locator("#led-labels-field")).to_be_visible()
    page.locator("[data-led-capture=photo]").tap()  # this browser has no camera
    expect(page.locator("#led-error")).to_be_visible()
    assert "Error" not in page.locator("#led-error").inner_text()
    shot(page, "15-15-led-no-camera")
