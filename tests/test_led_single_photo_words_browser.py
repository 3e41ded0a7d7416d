"""In Chromium (390×844), review r51's points on how a single photo's reading is shown.

- One photo cannot show flashing, and the phone says so; yet its chips said "常亮" (steady on) for every light the photo
  read lit, right under that note, and so did the order page and the job's history. A light one photo shows lit is
  now "亮（常亮或闪烁）" (lit, steady or flashing) wherever the photo's word is shown; the fault tree already heard
  "lit" for it (offline/led.js confirmedLeds) and asks the technician to watch it.
- The rings' numbers sit above the lights, where panels print the lights' names: "隐藏标记" (hide the marks) shows
  the photo as taken, and "显示标记" brings the marks back.

The real panel_01 (ZTE F6005: POWER, PON and LAN lit green) is read from ../shared/led-photos (never copied).
"""
import json
import pathlib
import re
import sys

import pytest
from playwright.sync_api import expect

from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server  # noqa: F401
from tests.test_r3_review_browser import PHOTOS, TRUTH, pick, save_and_read, snap

pytestmark = pytest.mark.browser
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))
import bench_led  # noqa: E402

LIT = "亮（常亮或闪烁）"


def chip_text(check, label):
    """The chip of light `label`, its text on one line."""
    for chip in check.locator(".led-chip").all():
        text = " ".join(chip.inner_text().split())
        if f" {label} ·" in text:
            return text
    raise AssertionError(f"no chip for {label}")


@pytest.mark.skipif(not TRUTH, reason="../shared/led-photos is not here")
def test_a_single_photo_says_lit_not_steady_and_its_marks_can_be_hidden(app, server, db, user_ids, phone_profile,  # noqa: F811
                                                                         login):
    order_id, _ = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    pick(page, "zte-f6005", "panel_01.jpg", bench_led.as_phone_sends((PHOTOS / "panel_01.jpg").read_bytes(), 1.15))
    check = save_and_read(page, 0)
    check.scroll_into_view_if_needed()
    reading = json.loads(db.execute("SELECT reading FROM led_checks").fetchone()[0])
    assert reading["steady_known"] is False
    read_on = [led["label"] for led in reading["leds"] if led["state"] == "on"]
    assert read_on, reading  # the bright cream case reads its lit lights (tests/test_led_bright_case_browser.py)
    snap(page, "r51-single-photo-lit")
    expect(check.locator(".led-flash-hint")).to_be_visible()
    for label in read_on:
        assert LIT in chip_text(check, label), chip_text(check, label)
    for led in reading["leds"]:
        if led["state"] == "off":
            assert "亮" not in chip_text(check, led["label"]).split("·")[1], chip_text(check, led["label"])

    legend = check.locator(".led-legend").inner_text()
    assert "绿圈为亮（常亮或闪烁）" in legend and "绿圈为常亮" not in legend, legend  # review r52

    # The marks hide and come back; the chips stay.
    marks = check.locator("svg .mark")
    expect(marks).to_have_count(len(reading["leds"]))
    expect(marks.first).to_be_visible()
    button = check.locator("[data-led-marks]")
    expect(button).to_have_text("隐藏标记")
    button.tap()
    expect(marks.first).to_be_hidden()
    expect(button).to_have_text("显示标记")
    expect(check.locator(".led-chip")).to_have_count(len(reading["leds"]))
    snap(page, "r51-single-photo-marks-hidden")
    button.tap()
    expect(marks.first).to_be_visible()

    # A light the photo showed lit goes first to steady on, the technician's own word (review r52: lit → flashing →
    # off → lit, never steady); tapped flashing it agrees with the photo too (review r52: "corrected"); tapped off, it
    # differs, and the photo's word beside it is "lit", not "steady on".
    first = read_on[0]
    index = [led["label"] for led in reading["leds"]].index(first)
    chip = check.locator(f".led-chip[data-index='{index}']")
    chip.tap()
    expect(chip).to_contain_text(f"{first} · 常亮")
    expect(chip).not_to_have_class(re.compile(r"\bdiffers\b"))
    chip.tap()
    expect(chip).to_contain_text("闪烁")
    expect(chip).not_to_have_class(re.compile(r"\bdiffers\b"))
    assert "照片：" not in chip.inner_text()
    chip.tap()  # → off: differs from the photo
    expect(chip).to_contain_text(f"照片：{LIT}")
    chip.tap()  # → the photo's word again (review r53: a stray tap could not be taken back)
    expect(chip).to_contain_text(f"{first} · {LIT}")
    expect(chip).not_to_have_class(re.compile(r"\bdiffers\b"))
    for word in ("常亮", "闪烁", "灭"):  # round again, to off
        chip.tap()
        expect(chip).to_contain_text(f"{first} · {word}")
    steady = read_on[1] if read_on[1:] else None
    steady_chip = None
    if steady:  # one tap: the technician watched it and says it is steady
        steady_chip = check.locator(f".led-chip[data-index='{[led['label'] for led in reading['leds']].index(steady)}']")
        steady_chip.tap()
        expect(steady_chip).to_contain_text(f"{steady} · 常亮")  # (the chips redraw after the tap: wait for it)
    check.locator("[data-led-confirm]").tap()
    expect(check.locator(".led-confirmed")).to_be_visible(timeout=15000)
    assert "1 个" in check.locator(".led-read").inner_text(), check.locator(".led-read").inner_text()
    for label in read_on[2:]:
        assert LIT in chip_text(check, label)  # confirmed as the photo read them: still "lit"
    if steady:
        expect(steady_chip).to_contain_text(f"{steady} · 常亮")
        assert LIT not in chip_text(check, steady), chip_text(check, steady)
        snap(page, "r52-single-photo-steady-tapped")
        stored = json.loads(db.execute("SELECT states FROM led_confirmations").fetchone()[0])
        assert [s.get("tapped", False) for s in stored] == [s["label"] in (first, steady) for s in stored], stored
        # The fault tree hears the technician's steady on, and "lit" for a light confirmed as the photo read it.
        row = db.execute("SELECT reading, capture, frames, tapped FROM led_checks").fetchone()
        stored_check = {"reading": json.loads(row[0]), "capture": row[1], "frames": row[2],
                        "tapped": json.loads(row[3]) if row[3] else None, "confirmed": stored}
        heard = page.evaluate("(check) => window.ONTrackLed.confirmedLeds(check, null).map((l) => l.state)", stored_check)
        said = dict(zip([s["label"] for s in stored], heard))
        assert said[steady] == "on" and said[first] == "off", said
        assert all(said[label] == "lit" for label in read_on[2:]), said

    # The job's history says "lit" for the photo's reading and for the confirmation taking its word, in words.
    page.reload()
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text(f"照片读数：{read_on[0]} {LIT}")
    if read_on[1:]:
        expect(timeline).to_contain_text(f"{read_on[1]} {LIT}")
    expect(timeline).to_contain_text(f"{first} 灭")
    if steady:
        expect(timeline).to_contain_text(f"{steady} 常亮")
    assert ":on" not in timeline.inner_text() and ":off" not in timeline.inner_text()
    # The order page: the photo's word is "lit" whatever the technician confirmed; the confirmed column says what
    # the technician tapped ("steady on" for the light watched), and "lit" for a light confirmed as the photo read it.
    desk = login("disp").get(f"/orders/{order_id}").text
    row = desk.split(f"<td>{first}</td>", 1)[1].split("</tr>", 1)[0]
    assert row.count(LIT) == 1 and "灭" in row, row  # read lit; confirmed off
    if steady:
        row = desk.split(f"<td>{steady}</td>", 1)[1].split("</tr>", 1)[0]
        assert row.count(LIT) == 1 and row.replace(LIT, "").count("常亮") == 1, row  # read lit; confirmed steady
    for label in read_on[2:]:
        row = desk.split(f"<td>{label}</td>", 1)[1].split("</tr>", 1)[0]
        assert row.count(LIT) == 2, row  # read from the photo, and confirmed as the photo's word
    section = desk.split('id="led-checks"', 1)[1].split("</section>", 1)[0].replace(LIT, "")
    assert section.count("常亮") == (1 if steady else 0), section
    assert context.errors == []
