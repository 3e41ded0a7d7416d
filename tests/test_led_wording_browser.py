"""Review of 2026-12-05 in Chromium (390×844): what the LED check says when the photo could tell no light.

panel_08 (a black case, every light off, no lens showing until lit) is read with every light "unsure". The phone
said "已从照片读出：逐个核对…" (read from the photo: check each light) above lights none of which was read, and
the advice ran two colons into one sentence ("照片几乎无法读取：大多数指示灯看不准：请亲眼看灯…"), on the phone
and on the dispatcher's order page. The numbered marks sat on the letters of the case's logo, where the reader had
tried the row. Real photos are read from ../shared/led-photos (never copied).
"""
import json

import pytest
from playwright.sync_api import expect

from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server  # noqa: F401
from tests.test_r3_review_browser import PHOTOS, TRUTH, pick, save_and_read, snap

pytestmark = pytest.mark.browser


@pytest.mark.skipif(not TRUTH, reason="../shared/led-photos is not here")
def test_a_photo_that_told_no_light_does_not_say_it_was_read(app, server, db, user_ids, phone_profile, login):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    pick(page, "nokia-g-010g-t", "panel_08.jpg", (PHOTOS / "panel_08.jpg").read_bytes())
    check = save_and_read(page, 0)
    check.scroll_into_view_if_needed()
    snap(page, "r44-panel_08-nothing-told")
    reading = json.loads(db.execute("SELECT reading FROM led_checks").fetchone()[0])
    assert reading["quality"]["ok"], reading
    words = check.locator(".led-read").inner_text()
    if all(led["state"] == "unsure" for led in reading["leds"]):
        assert "已从照片读出" not in words and "都看不准" in words, words
        expect(check.locator("svg .mark")).to_have_count(0)  # the row it tried (on the logo's letters) is not shown
    else:
        assert "已从照片读出" in words, words
        expect(check.locator("svg .mark")).to_have_count(len(reading["leds"]))
    advice = check.locator(".led-advice")
    if reading["quality"].get("advice"):
        said = advice.inner_text()
        assert "照片几乎无法读取：" not in said, said  # a heading of its own, not a colon before the advice's colon
    desk = login("disp").get(f"/orders/{order_id}").text
    assert "照片几乎无法读取：" not in desk
    assert context.errors == []
