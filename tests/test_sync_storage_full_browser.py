"""A sync with the phone's storage full, in real Chromium against the real server (design/sync-protocol.md).

With every write to IndexedDB's "meta" store refused (QuotaExceededError), the sync loop could not write why it
stopped either: that write's error went unhandled to the page (1 run in 4), and the bar went on with an older problem.
Now the bar says the storage is full, and nothing queued is lost: what was sent reaches the server once.
"""
import pytest
from playwright.sync_api import expect

from tests.test_offline_browser import (dispatch_order, open_job, phone_profile, refuse_pushes, server,  # noqa: F401
    storage_full, wait_synced)

pytestmark = pytest.mark.browser

NOTE = "光猫已更换，等待客户确认"


def notes_on_server(db, order_id):
    return db.execute("SELECT COUNT(*) FROM order_notes WHERE order_id = ? AND text = ?", [order_id, NOTE]).fetchone()[0]


def test_a_sync_with_the_storage_full_says_so_and_loses_nothing(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    allow_pushes = refuse_pushes(context)
    page.fill("#note-form textarea", NOTE)
    page.locator("#note-form button").tap()
    expect(page.locator("#notes")).to_contain_text(NOTE)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
    expect(page.locator("#sync-status[aria-busy='true']")).to_have_count(0)  # the sync after the note is over
    page.evaluate(storage_full())
    allow_pushes()
    page.locator("#sync-now").tap()
    expect(page.locator("#sync-problem")).to_contain_text("手机存储空间已满，同步无法完成")
    expect(page.locator("#sync-now")).to_be_enabled()  # the sync is over, not stuck at "syncing"
    assert context.errors == []
    assert notes_on_server(db, order_id) == 1
    page.reload()  # the storage back (the refusal lives in the page)
    wait_synced(page)
    expect(page.locator("#sync-problem")).to_have_count(0)
    expect(page.locator("#notes")).to_contain_text(NOTE)
    assert page.locator("#notes").inner_text().count(NOTE) == 1
    assert notes_on_server(db, order_id) == 1
    assert context.errors == []
