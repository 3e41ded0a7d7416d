"""Issue 15 (field fault): the phone app's status bar never covers the job page.

Measured in Chromium at 390×844 and 360×640, online and offline, with the longest Chinese status
words: with the page scrolled to the top the bar's box meets neither the order header nor any
button, and a button scrolled into view (as a focus or a tap target does) lands below the bar.
"""
import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from tests.test_offline_browser import dispatch_order, go_offline, open_job, phone_profile, refuse_pushes, server  # noqa: F401

pytestmark = pytest.mark.browser


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def meets(a, b):
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def covered_buttons(page):
    """The visible buttons of the job page whose box meets the status bar's box."""
    bar = box(page, "#sync-status")
    hits = []
    for button in page.locator("#app button:visible, #app .btn:visible").all():
        b = button.bounding_box()
        if b and b["height"] and meets(bar, b):
            hits.append(button.inner_text())
    return hits


def bar_clear_of_the_page(page, where):
    """Assert, at this viewport, that nothing of the job page is under the bar: scrolled to the top,
    and each button brought into view the way a tap, a focus or a "#part" link brings it."""
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(200)
    bar, head = box(page, "#sync-status"), box(page, ".order-head")
    assert not meets(bar, head), (where, bar, head)
    assert covered_buttons(page) == [], where
    buttons = page.locator("#app button:visible")
    assert buttons.count() >= 3
    for index in range(buttons.count()):
        button = buttons.nth(index)
        button.evaluate("button => button.scrollIntoView({block: 'start'})")
        bar, seen = box(page, "#sync-status"), button.bounding_box()
        assert bar["y"] + bar["height"] <= seen["y"] + 0.5, (where, button.inner_text(), bar, seen)
    page.locator(".order-head").evaluate("head => head.scrollIntoView()")
    assert not meets(box(page, "#sync-status"), box(page, ".order-head")), where


def test_the_status_bar_never_covers_the_job_page(app, server, user_ids, phone_profile):  # noqa: F811
    mine, _ = dispatch_order(app, user_ids, technician="techb", district="西城区")
    theirs, _ = dispatch_order(app, user_ids)
    # The longest words the bar says: another person's changes kept on this phone, no connection,
    # and changes of one's own waiting.
    context, page = open_job(phone_profile, server, theirs)
    server.down()
    page.fill("#note-form textarea", "客户不在家，已留言")
    page.locator("#note-form button").tap()
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
    allow_pushes = refuse_pushes(context)
    server.up()
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "techb")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server.url}/jobs/")
    expect(page.locator("#sync-status")).to_contain_text("另一位同事的 1 条未发送记录")
    allow_pushes()
    page.locator(f"#job-{mine} .job-main").tap()
    expect(page.locator(".order-head")).to_be_visible()

    for state in ("online", "offline"):
        if state == "offline":
            go_offline(server, context)
            page.locator("button[data-action=accept]").tap()
            expect(page.locator("#sync-status[data-state=offline]")).to_have_count(1)
            expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
        for width, height in ((390, 844), (360, 640)):
            page.set_viewport_size({"width": width, "height": height})
            bar_clear_of_the_page(page, f"{state} {width}×{height}")
            page.locator("#note-form button").evaluate("button => button.scrollIntoView({block: 'start'})")
            page.screenshot(path=f"test-artifacts/sfix-statusbar-{state}-{width}-scrolled.png")  # the viewport, as the phone shows it
            page.evaluate("window.scrollTo(0, 0)")
            shot(page, f"sfix-statusbar-{state}-{width}")
    assert context.errors == []
