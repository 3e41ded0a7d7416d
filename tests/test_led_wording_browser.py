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

from tests.test_offline_browser import dispatch_order, go_offline, open_job, phone_profile, server  # noqa: F401
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
        assert "已从照片读出" not in words and "都看不准" in words and "再拍" in words, words
        expect(check.locator("svg .mark")).to_have_count(0)  # the row it tried (on the logo's letters) is not shown
        assert "白圈" not in check.locator(".led-legend").inner_text()  # no ring to explain
        assert "大多数指示灯看不准" not in check.inner_text()  # "unsure" said once, not "all" then "most"
    else:
        assert "已从照片读出" in words, words
        expect(check.locator("svg .mark")).to_have_count(len(reading["leds"]))
    advice = check.locator(".led-advice")
    if advice.count():
        said = advice.inner_text()
        assert "照片几乎无法读取：" not in said, said  # a heading of its own, not a colon before the advice's colon
    desk = login("disp").get(f"/orders/{order_id}").text
    assert "照片几乎无法读取：" not in desk
    assert context.errors == []


@pytest.mark.skipif(not TRUTH, reason="../shared/led-photos is not here")
def test_a_photo_that_told_some_lights_says_which_are_left(app, server, db, user_ids, phone_profile):  # noqa: F811
    """panel_03 (Nokia G-010G-A: POWER and DATA lit, read on; PON and ALARM unsure): the status said only "check each
    light, tap any that is wrong", never that two lights were left for the technician to say."""
    order_id, _ = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    pick(page, "nokia-g-010g-a", "panel_03.jpg", (PHOTOS / "panel_03.jpg").read_bytes())
    check = save_and_read(page, 0)
    snap(page, "r44-panel_03-some-told")
    reading = json.loads(db.execute("SELECT reading FROM led_checks").fetchone()[0])
    states = [led["state"] for led in reading["leds"]]
    words = check.locator(".led-read").inner_text()
    left = states.count("unsure")
    if 0 < left < len(states):
        assert f"有 {left} 个灯看不准" in words, (states, words)
        expect(check.locator("svg .mark")).to_have_count(len(states))
    elif not left:
        assert "看不准" not in words, (states, words)
    # The job's timeline says its LED check line is the photo's reading, not the technician's (a fresh review).
    page.reload()
    expect(page.locator(".timeline")).to_contain_text("照片读数：POWER")
    assert context.errors == []


@pytest.mark.skipif(not TRUTH, reason="../shared/led-photos is not here")
def test_a_gallery_photo_saved_offline_has_no_marks_until_read(app, server, db, user_ids, phone_profile):  # noqa: F811
    """A photo chosen from the gallery was framed without the capture guide: its draft drew no marks, but once saved
    (offline, waiting for its reading) the guide's marks came back across the case's blank plastic."""
    order_id, _ = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    pick(page, "nokia-g-010g-t", "panel_08.jpg", (PHOTOS / "panel_08.jpg").read_bytes())
    draft = page.locator("#led-draft")
    expect(draft).to_be_visible()
    expect(draft.locator("svg .mark")).to_have_count(0)
    # Nothing has read the photo yet: a light not tapped says so, not the photo's "unsure" (a fresh review of
    # 2026-12-05: every button said 看不准 with the yellow outline, and the legend that the photo could not tell).
    expect(draft.locator(".led-chip").first).to_contain_text("未点选")
    expect(draft.locator(".led-chip.unsure")).to_have_count(0)
    assert "黄色描边" not in draft.inner_text() and "看不准" not in draft.inner_text()
    draft.locator(".led-chip").first.tap()  # a tap is the technician's word, as before
    expect(draft.locator(".led-chip").first).not_to_contain_text("未点选")
    draft.locator("[data-led-save]").tap()
    check = page.locator(".led-check").first
    expect(check).to_be_visible()
    expect(check.locator(".led-waiting")).to_be_visible()
    snap(page, "r44-gallery-saved-offline")
    expect(check.locator("svg .mark")).to_have_count(0)
    expect(check.locator(".led-legend")).to_have_count(0)  # no ring drawn, no outline on any button: nothing to explain
    expect(check.locator(".led-chip.unsure")).to_have_count(0)
    assert "看不准" not in check.inner_text() and "未点选" in check.inner_text()
    assert context.errors == []
