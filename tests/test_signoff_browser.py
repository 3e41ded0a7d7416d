"""Sign-off in Chromium: offline on the technician's phone with a drawn signature, then synced and
the PDF rendered; and on the customer's own phone through the QR link, in a second browser."""
import json
import pathlib

import pytest
from playwright.sync_api import expect

from tests.test_browser import ARTIFACTS, PHONE, shot
from tests.test_offline_browser import dispatch_order, go_offline, go_online, log_in, open_job, phone_profile, server, tap_through  # noqa: F401

pytestmark = pytest.mark.browser


def draw(page, canvas_selector):
    page.locator(canvas_selector).scroll_into_view_if_needed()
    box = page.locator(canvas_selector).bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for i, (dx, dy) in enumerate([(0.2, 0.2), (0.35, 0.75), (0.5, 0.3), (0.7, 0.8), (0.9, 0.25)]):
        page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy, steps=8)
    page.mouse.up()


def open_signoff_link(page):
    """Open the sign-off's "on the customer's own phone" once the phone has synced. A sync's redraw landing at the tap
    can move or close it again (seen in loaded CI-way runs): the technician taps it again, as this does."""
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=15000)
    link = page.locator("#signoff details.signoff-link")
    for _ in range(3):
        if link.get_attribute("open") is None:
            link.locator("summary").tap()
        try:
            expect(link.locator("[data-signoff-link]")).to_be_visible(timeout=5000)
            return link
        except AssertionError:
            continue
    expect(link.locator("[data-signoff-link]")).to_be_visible()
    return link


def get_to_restored(page):
    tap_through(page, "accept", "make_appointment", "arrive", "restore")
    expect(page.locator(".order-head")).to_contain_text("已修复")


def test_offline_sign_off_then_synced_and_the_pdf_shows_signature_and_hash(app, server, db, user_ids, phone_profile):  # noqa: F811
    import pypdfium2 as pdfium
    order_id, desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    get_to_restored(page)
    form = page.locator("#signoff-form")
    form.locator("input[name=solved][value=yes]").check()
    form.locator("input[name=attitude][value=satisfied]").check()
    form.locator("input[name=charged][value=no]").check()
    form.locator("button[type=submit]").tap()  # no score yet: the browser holds the form back
    assert form.evaluate("f => f.checkValidity()") is False
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "4")
    form.locator("label.score-choice", has_text="9").click()
    form.locator("textarea[name=suggestions]").fill("师傅很专业")
    form.locator("button[type=submit]").tap()
    expect(page.locator("#signoff-error")).to_contain_text("客户还没有签名")
    draw(page, "#pad-customer")
    shot(page, "40-signoff-offline-form")
    form.locator("button[type=submit]").tap()
    expect(page.locator("#signoff")).to_contain_text("钱女士 已签字")
    expect(page.locator("#signoff .chip.pending")).to_have_count(1)

    go_online(server, context, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    row = next(iter(db.query("SELECT * FROM signoffs WHERE order_id = ?", [order_id])))
    assert row["channel"] == "onsite" and '"score":9' in row["report"] and row["signer_name"] == "钱女士"
    # The report the customer signed offline, after four steps still queued, is the one stored: the phone named the
    # version the order has once they are applied (fresh review: its own server copy's, so every offline sign-off
    # was recorded as not matching).
    event = next(iter(db.query("SELECT details FROM order_events WHERE order_id = ? AND action = 'sign_off'", [order_id])))
    details = json.loads(event["details"])
    assert details["phone_hash_matches"] is True and details["phone_hash"] == row["report_hash"], details
    report_link = page.locator("#signoff a", has_text="报告")
    expect(report_link).to_be_visible()
    report_link.click()
    expect(page.locator("#verified")).to_contain_text("与签字时完全一致")
    expect(page.locator("#report-hash")).to_have_text(row["report_hash"])
    shot(page, "41-signoff-report")
    pdf = page.request.get(server.url + page.locator("#pdf-link").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    document = pdfium.PdfDocument(pdf.body())
    text = document[0].get_textpage().get_text_range().replace("\r", "").replace("\n", "")
    assert row["report_hash"] in text and "钱女士" in text
    ARTIFACTS.mkdir(exist_ok=True)
    document[0].render(scale=1.5).to_pil().save(ARTIFACTS / "42-signoff-report-pdf-page1.png")
    document.close()
    assert context.errors == []


def test_the_customers_own_phone_signs_through_the_qr_link(app, live_server, browser, db, user_ids):
    order_id, _desk = dispatch_order(app, user_ids)
    tech_context = browser.new_context(locale="zh-CN", **PHONE)
    page = tech_context.new_page()
    log_in(page, live_server, "techa")
    expect(page.locator(f"#job-{order_id}")).to_be_visible(timeout=15000)
    page.locator(f"#job-{order_id} .job-main").tap()
    get_to_restored(page)
    open_signoff_link(page)
    page.locator("[data-signoff-link]").tap()
    expect(page.locator("#signoff-qr img.qr-code")).to_be_visible()
    shot(page, "43-signoff-qr")
    url = page.locator("#signoff-url").get_attribute("href")

    customer = browser.new_context(locale="zh-CN", **PHONE)  # the customer's own phone: no login
    mine = customer.new_page()
    mine.goto(url)
    expect(mine.locator("h1")).to_contain_text("确认本次上门服务")
    expect(mine.locator("nav")).to_have_count(0)
    mine.locator("input[name=solved][value=yes]").check()
    mine.locator("input[name=attitude][value=satisfied]").check()
    mine.locator("input[name=charged][value=no]").check()
    mine.locator("label.score-choice", has_text="10").click()
    draw(mine, "#signature-canvas")
    shot(mine, "44-customer-phone-signing")
    mine.locator("#signoff-form button[type=submit]").click()
    expect(mine.locator("#verified")).to_contain_text("与签字时完全一致")
    assert db.execute("SELECT channel FROM signoffs WHERE order_id = ?", [order_id]).fetchone()[0] == "link"
    mine.goto(url)
    expect(mine.locator("#link-error")).to_contain_text("已通过这个链接签过字")
    mine.goto(url[:-4] + "abcd")
    expect(mine.locator("#link-error")).to_contain_text("链接无效")
    customer.close()
    tech_context.close()
