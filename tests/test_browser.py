"""Real Chromium through Playwright: the dispatcher assigns, the technician works the job on a phone, the board follows."""
import datetime
import pathlib
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "test-artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_dispatch_to_appointment_end_to_end(app, live_server, browser, db, user_ids):
    from tests.test_offline_browser import wait_synced  # a local import: that module imports this one
    app.config["BOARD_REFRESH_SECONDS"] = 1
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    dispatcher = desk.new_page()
    log_in(dispatcher, live_server, "disp")
    expect(dispatcher).to_have_url(f"{live_server}/dispatch/")

    # The dispatcher creates an order...
    dispatcher.click("text=新建工单")
    expect(dispatcher).to_have_url(f"{live_server}/orders/new")  # hx-boost swaps the page; wait for it
    dispatcher.select_option("select[name=order_type]", "repair")
    dispatcher.select_option("select[name=symptom]", "no_service")
    dispatcher.fill("input[name=customer_name]", "钱女士")
    dispatcher.fill("input[name=contact_phone]", "13912345678")
    dispatcher.select_option("select[name=district]", "东城区")
    dispatcher.fill("input[name=community]", "幸福里小区")
    dispatcher.fill("input[name=building]", "3")
    dispatcher.fill("input[name=unit]", "2单元502")
    dispatcher.fill("input[name=ont_model]", "Huawei HG8245H")
    shot(dispatcher, "01-dispatcher-new-order")
    dispatcher.click("button:has-text('创建工单')")
    expect(dispatcher.locator(".flash-ok")).to_be_visible()
    order = next(iter(db.query("SELECT * FROM orders WHERE customer_name = '钱女士'")))
    assert order["state"] == "created" and order["order_type"] == "repair", order

    # ...and assigns it from the console queue.
    dispatcher.click("nav >> text=调度台")
    expect(dispatcher).to_have_url(f"{live_server}/dispatch/")
    row = dispatcher.locator(f"#order-{order['id']}")
    expect(row).to_contain_text(order["order_no"])
    row.locator("input[type=checkbox]").check()
    dispatcher.select_option("#assign-technician", str(user_ids["techa"]))
    shot(dispatcher, "02-dispatcher-console-assign")
    dispatcher.click("#assign-button")
    expect(dispatcher.locator(".flash-ok")).to_be_visible()
    assert next(iter(db.query("SELECT state, technician_id FROM orders WHERE id = ?", [order["id"]]))) == {
        "state": "dispatched", "technician_id": user_ids["techa"]}

    # The console stays open, watching everything; mark the page to prove it is never reloaded.
    dispatcher.select_option("select[name=view]", "open")
    row = dispatcher.locator(f"#order-{order['id']}")
    expect(row).to_be_visible()
    dispatcher.evaluate("window.__notReloaded = true")

    # The technician, on a phone, logs in and sees the job waiting for an appointment.
    phone_context = browser.new_context(locale="zh-CN", **PHONE)
    phone = phone_context.new_page()
    log_in(phone, live_server, "techa")
    expect(phone).to_have_url(f"{live_server}/jobs/")
    card = phone.locator(f"#jobs-to-appoint #job-{order['id']}")
    expect(card).to_contain_text("钱女士", timeout=15000)  # drawn from the briefcase after the first sync
    expect(card.locator("a[href^='tel:']")).to_have_attribute("href", "tel:13912345678")
    expect(card.locator("a[href^='geo:']")).to_be_visible()
    shot(phone, "03-technician-job-list")
    card.locator(".job-main").tap()
    expect(phone).to_have_url(f"{live_server}/jobs/{order['id']}")
    phone.locator("button[data-action=accept]").tap()
    expect(phone.locator(".order-head")).to_contain_text("已签收")

    # Appointment: an hour from now, for two hours, in local time.
    start = (datetime.datetime.now(ZoneInfo("Asia/Shanghai")) + datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    phone.fill("input[name=appointment_start]", start.strftime("%Y-%m-%dT%H:%M"))
    phone.fill("input[name=appointment_end]", (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    shot(phone, "04-technician-appointment")
    phone.locator("button[data-action=make_appointment]").tap()
    expect(phone.locator(".order-head")).to_contain_text("已预约")
    wait_synced(phone, 15.0)
    phone.click("text=← 我的工单")
    expect(phone).to_have_url(f"{live_server}/jobs/")
    listed = phone.locator(f"#job-{order['id']}")
    expect(listed).to_contain_text(start.strftime("%H:%M"))
    expect(phone.locator(f"#jobs-to-appoint #job-{order['id']}")).to_have_count(0)
    shot(phone, "05-technician-list-after-appointment")

    # The dispatcher's board has followed without a reload.
    expect(dispatcher.locator(f"#order-{order['id']} .state-cell")).to_contain_text("已预约", timeout=10000)
    assert dispatcher.evaluate("window.__notReloaded") is True
    shot(dispatcher, "06-dispatcher-board-updated")

    trail = [(e["action"], e["to_state"]) for e in db.query(
        "SELECT action, to_state FROM order_events WHERE order_id = ? ORDER BY id", [order["id"]])]
    assert trail == [("create", "created"), ("dispatch", "dispatched"), ("accept", "accepted"),
                     ("make_appointment", "appointed")]
    desk.close()
    phone_context.close()


def test_console_works_on_a_tablet(app, live_server, browser):
    tablet = browser.new_context(viewport={"width": 820, "height": 1180}, locale="zh-CN", has_touch=True)
    page = tablet.new_page()
    log_in(page, live_server, "disp")
    expect(page.locator("#queue")).to_be_visible()
    expect(page.locator("#assign-button")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 820, "no sideways scrolling on a tablet"
    shot(page, "07-dispatcher-tablet")
    tablet.close()
