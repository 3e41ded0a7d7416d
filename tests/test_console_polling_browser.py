"""Issue 14 in Chromium (390×844): the console polls its queue and technicians' panel with the ETag
of what it shows; an unchanged part answers 304 and stays on screen, a change comes in whole."""
import pytest
from playwright.sync_api import expect

from tests.conftest import Session
from tests.test_browser import PHONE, log_in, shot
from tests.test_console_attention import create

pytestmark = pytest.mark.browser


def test_an_unchanged_queue_stays_on_screen_and_a_new_order_comes_in(app, live_server, browser, db, user_ids):
    app.config["BOARD_REFRESH_SECONDS"] = 1  # poll every second (the panel every 3 s)
    desk = Session(app, "disp")
    first = create(desk, district="西城区", priority="urgent", customer_name="第一位客户")
    page = browser.new_context(locale="zh-CN", **PHONE).new_page()
    answers = []
    page.on("response", lambda r: answers.append((r.url.split("?")[0].rsplit("/", 1)[1], r.status,
                                                  r.request.headers.get("if-none-match"))))
    log_in(page, live_server, "disp")
    expect(page.locator(f"#order-{first}")).to_be_visible()
    page.wait_for_timeout(7500)  # the panel: a first poll without a tag (it came with the page), then 304s
    queue_polls = [a for a in answers if a[0] == "queue"]
    assert any(status == 304 and tag for _, status, tag in queue_polls), queue_polls
    assert any(status == 304 and tag for name, status, tag in answers if name == "technicians"), answers
    # After the 304s the queue and the panel are still there, whole.
    expect(page.locator(f"#order-{first}")).to_be_visible()
    expect(page.locator("#technicians")).to_contain_text("技术员 A")
    # A change while polling: the next poll brings it in (a 200 with a new tag), then 304s again.
    second = create(desk, district="东城区", priority="high", customer_name="第二位客户")
    expect(page.locator(f"#order-{second}")).to_be_visible(timeout=5000)
    expect(page.locator(f"#order-{first}")).to_be_visible()
    # Ticking a box is the browser's own state: a 304 must not undo it, and the next change keeps it.
    page.locator(f"#order-{first} input[type=checkbox]").check()
    page.wait_for_timeout(2500)
    expect(page.locator(f"#order-{first} input[type=checkbox]")).to_be_checked()
    create(desk, district="东城区", customer_name="第三位客户")
    expect(page.locator("#queue")).to_contain_text("第三位客户", timeout=5000)
    expect(page.locator(f"#order-{first} input[type=checkbox]")).to_be_checked()
    shot(page, "14-console-polled")
