"""Issue 15 item 13 in Chromium (390×844): the status bar tells one truthful state.

Never "已全部同步" together with "没有网络"; nothing about syncing beside the plain-HTTP warning;
and when the browser says it is online again the phone probes at once and soon after, instead of
waiting out a backoff of a minute.
"""
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.test_browser import PHONE, shot
from tests.test_offline_browser import dispatch_order, go_offline, log_in, phone_profile, ready_offline, refuse_pushes, server  # noqa: F401
from tests.test_secure_context_browser import lan_browser  # noqa: F401

pytestmark = pytest.mark.browser


def bar_text(page):
    return page.locator("#sync-status").inner_text()


def test_offline_is_one_state_and_coming_back_online_probes_at_once(app, server, user_ids, phone_profile):  # noqa: F811
    dispatch_order(app, user_ids)
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    expect(page.locator("#sync-status")).to_contain_text("已全部同步")

    go_offline(server, context)
    expect(page.locator("#sync-status")).to_contain_text("没有网络")
    assert "已全部同步" not in bar_text(page)
    page.locator("#sync-now").tap()
    expect(page.locator("#sync-status[data-state=offline]")).to_have_count(1)
    assert "已全部同步" not in bar_text(page)
    shot(page, "15-13-status-offline")

    # The browser is online before the server can be reached (the network still attaching) …
    context.set_offline(False)
    expect(page.locator("#sync-status[data-state=offline]")).to_have_count(1)
    time.sleep(1)
    server.up()  # … and it is reached a moment later: no tap, no minute of backoff
    expect(page.locator("#sync-status[data-state=synced]")).to_have_count(1, timeout=12000)
    assert "没有网络" not in bar_text(page)
    shot(page, "15-13-status-back-online")


def test_plain_http_shows_the_warning_and_no_sync_state_beside_it(live_server, lan_browser, user_ids):  # noqa: F811
    port = live_server.rsplit(":", 1)[1]
    page = lan_browser.new_context(locale="zh-CN", **PHONE).new_page()
    page.goto(f"http://ontrack.lan:{port}/login")
    page.fill("input[name=username]", "techa")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"http://ontrack.lan:{port}/jobs/")
    expect(page.locator("#insecure-context")).to_be_visible()
    expect(page.locator("#sync-status")).to_be_hidden()
    expect(page.locator("body")).not_to_contain_text("已全部同步")
    shot(page, "15-13-status-insecure")


# indexedDB.databases() answering late, as on a slow phone with many databases: the bar's first draw is still counting
# another person's changes when the sync's draws come.
SLOW_DATABASES = """(() => {
  const list = indexedDB.databases.bind(indexedDB);
  indexedDB.databases = () => new Promise((done) => setTimeout(done, 6000)).then(list);
})()"""


def test_another_persons_waiting_changes_stay_on_the_bar_whatever_draw_comes_last(app, server, user_ids, phone_profile):  # noqa: F811
    """A CI run: of the bar's overlapping draws only the latest draws, and one that came while the first was still
    counting another person's changes took a count of 0; being the latest, its bar (without them) stayed. Here the
    count is slow and every draw after it must show it. (What failed that CI run was more likely the service worker's
    retry sending A's note before B logged in, found later and fixed in the tests: refuse_pushes.)"""
    order_id, _desk = dispatch_order(app, user_ids)
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    page.locator(f"#job-{order_id} .job-main").tap()
    server.down()
    page.fill("#note-form textarea", "客户不在家，已留言")
    page.locator("#note-form button").tap()
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
    refuse_pushes(context)
    server.up()
    context.add_init_script(SLOW_DATABASES)
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "techb")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server.url}/jobs/")
    expect(page.locator("#sync-status")).to_contain_text("另一位同事的 1 条未发送记录", timeout=9000)
    page.wait_for_timeout(1000)  # the first sync's draws are over
    expect(page.locator("#sync-status")).to_contain_text("另一位同事的 1 条未发送记录")
    assert context.errors == []
    context.close()
