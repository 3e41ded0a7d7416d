"""The LED photo check in real Chromium on a phone viewport, with a camera that films a rendered panel.

Chromium's fake camera plays a Y4M file made by tests/led_render.py: a Huawei HG8245H whose
PON light flashes once a second. The technician records a 3-second burst offline, taps what
they see, saves; back online the burst syncs, the server's reading comes back on the photo,
one tap corrects a light, the confirmation is stored with the correction, and the
fault-finding tree offers the confirmed states.
"""
import json
import random

import pytest
from playwright.sync_api import expect

from tests import led_render
from tests.test_browser import PHONE, shot
from tests.conftest import Phone, Session
from tests.test_led import upload
from tests.test_led_read_attempts import NOT_READ_ZH, blob_path, photo, push_check, read_again, reading_of
from tests.test_offline_browser import (  # noqa: F401  (fixtures)
    READING_MS, dispatch_order, go_offline, go_online, log_in, open_job, phone_profile, ready_offline, server, tap_until,
    wait_js)
from webapp.led import catalog

pytestmark = pytest.mark.browser
FPS = 15
STATES = {"POWER": "on", "PON": "blinking", "LAN2": "on"}  # everything else off


def write_y4m(path, size=(960, 540), seconds=4):
    """A camera film of a steady panel with PON flashing at 1 Hz, as raw YUV 4:2:0 frames."""
    model = catalog.model("huawei-hg8245h")
    c = led_render.conditions(random.Random(3))
    c.update(scale=1.0, dx=0.0, dy=0.0, tilt=1.0, keystone=0.0, glare=False, light=0.85, panel=(236, 236, 232),
             blur=0.0003, noise=2.0, labels=True, place=None, hidden=False, vents=False, speckle=False, clutter="plain",
             dim=False, exposure=1.0, lift=0.0, no_panel=False, window=20)
    scene = led_render._Scene(model, c, size, 5)
    width, height = size
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for n in range(FPS * seconds):
            t = n / FPS
            lit = [(i, led_render.HUES["green"], 0.9) for i, led in enumerate(model["leds"])
                   if STATES.get(led["label"]) == "on" or (STATES.get(led["label"]) == "blinking" and t % 1.0 < 0.5)]
            y, cb, cr = scene.frame(lit, (0.0, 0.0), 1000 + n).convert("YCbCr").split()
            out.write(b"FRAME\n" + y.tobytes())
            out.write(cb.resize((width // 2, height // 2)).tobytes() + cr.resize((width // 2, height // 2)).tobytes())


@pytest.fixture
def camera_phone(playwright, tmp_path, browser_type_launch_args):
    film = tmp_path / "panel.y4m"
    write_y4m(film)
    args = {**browser_type_launch_args, "args": browser_type_launch_args["args"] + [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={film}"]}
    context = playwright.chromium.launch_persistent_context(str(tmp_path / "profile"), **args, locale="zh-CN",
                                                           timezone_id="Asia/Shanghai", **PHONE)
    context.set_default_timeout(20000)
    errors = []
    context.on("weberror", lambda e: errors.append(str(e.error)))
    context.errors = errors
    context.on("console", lambda m: print("console:", m.type, m.text))
    yield context
    context.close()


def chip(scope, label):
    return scope.locator(".led-chip").filter(has_text=label).first

def pull_reading(page, check):
    """Taps "sync now" (every half second, 20 times at most) until the LED `check` (a locator) shows the reading the
    server's job made after the push."""
    for _ in range(20):
        page.locator("#sync-now").tap()
        if check.locator(".led-read").count():
            break
        page.wait_for_timeout(500)


def confirm_tapped_on(page, check, db, check_id, first=0):
    """Taps each light of the LED `check` (a locator) from the `first` on once (an "unsure" light: it is on), taps
    "Confirm these lights" and waits (up to 60 s, asking for a sync every 2 s: a push that failed on a loaded machine
    waits for its back-off) for the confirmation to sync → the check's confirmed states as stored on the server, in the
    row's order."""
    chips = check.locator(".led-chip")
    for index in range(first, chips.count()):
        light = chips.nth(index)
        before = light.inner_text()
        # a tap lost to a sync redrawing the page (CI, after a reload) is tapped again: the chip must change
        tap_until(light, lambda ms, light=light, before=before: expect(light).not_to_have_text(before, timeout=ms))
    tap_until(check.locator("[data-led-confirm]"),
              lambda ms: expect(check.locator(".led-confirmed-by")).to_have_count(1, timeout=ms))
    for attempt in range(300):  # the confirmation goes through the outbox and syncs
        if db.execute("SELECT COUNT(*) FROM led_confirmations").fetchone()[0]:
            break
        if attempt % 10 == 9:
            page.locator("#sync-now").tap()
        page.wait_for_timeout(200)
    return [s["state"] for s in json.loads(db.execute("SELECT confirmed FROM led_checks WHERE id = ?", [check_id]).fetchone()[0])]


# Issue 18, not done: the frames a burst catches vary with timing, and on about one capture in ten
# to fifteen main's reader scores a placement one slot to the left (9 % wider spacing) within its
# margin of the right one, so it reports the whole row "unsure" instead of misreading it. The flow
# this test is about needs a reading, so a run that got an honest "unsure" is tried again, twice
# at most; a wrong confident reading still fails at once.
@pytest.mark.flaky(reruns=2, only_rerun=["^AssertionError: the reader left .* unsure"])
def test_a_burst_offline_is_read_when_it_syncs_and_one_tap_corrects_it(app, server, db, user_ids, camera_phone, browser):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    page = camera_phone.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    page.locator(f"#job-{order_id} .job-main").tap()
    section = page.locator("#leds")
    # the model guessed from the order is one whose layout is not checked against a real panel: it says so
    expect(section.locator("select[name=model] option:checked")).to_contain_text("灯位未核实")
    # The order says "Huawei HG8245H": the model is chosen already.
    expect(section.locator("select[name=model]")).to_have_value("huawei-hg8245h")

    go_offline(server, camera_phone)
    section.locator("[data-led-capture=burst]").tap()
    camera = page.locator("#led-camera")
    expect(camera.locator("svg.guide circle")).to_have_count(12)
    wait_js(page, "document.querySelector('#led-camera video').videoWidth > 0")
    shot(page, "50-led-camera-guide")
    camera.locator("[data-cam-shoot]").tap()
    draft = page.locator("#led-draft")
    expect(draft).to_be_visible(timeout=15000)
    expect(page.locator("#led-camera")).to_have_count(0)
    # What the technician sees, tapped: POWER on (on its mark on the photo), PON on (they did not
    # wait for it to flash).
    draft.locator("svg .mark[data-index='0'] circle.hit").tap()
    chip(draft, "PON").tap()
    expect(chip(draft, "POWER")).to_contain_text("常亮")
    shot(page, "51-led-burst-tapped-offline")
    draft.locator("[data-led-save]").tap()
    check = page.locator(".led-check").first
    expect(check).to_contain_text("等待同步")
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")

    go_online(server, camera_phone, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    page.locator("#sync-now").tap()  # pull the reading the server made
    check = page.locator(".led-check").first
    expect(check.locator(".led-read")).to_be_visible(timeout=30000)
    row = db.execute("SELECT reading, tapped, frames FROM led_checks WHERE order_id = ?", [order_id]).fetchone()
    reading = {led["label"]: led["state"] for led in json.loads(row[0])["leds"]}
    assert row[2] >= 30, "at least 3 seconds at 10 frames a second"
    wanted = {"POWER": "on", "PON": "blinking", "LOS": "off", "LAN2": "on"}
    unsure = [label for label in wanted if reading[label] == "unsure"]
    assert not unsure, f"the reader left {unsure} unsure: {reading}"
    assert {label: reading[label] for label in wanted} == wanted, reading
    # The reading differs from the taps on PON: the chip says what the photo shows.
    expect(check).to_contain_text("不同")
    expect(chip(check, "PON")).to_contain_text("照片：闪烁")
    shot(page, "52-led-reading-overlay")
    # One tap on PON moves it from on to flashing, as the photo says.
    chip(check, "PON").tap()
    expect(chip(check, "PON")).to_contain_text("闪烁")
    # LAN2 was not tapped: it shows what the photo says, steady (untapped lights are no word of the
    # technician's, review r5). The technician says it is flashing (traffic the burst missed): one
    # tap, on → flashing, a correction against the photo.
    expect(chip(check, "LAN2")).to_contain_text("常亮")
    expect(chip(check, "LAN2")).not_to_contain_text("照片：")
    chip(check, "LAN2").tap()
    expect(chip(check, "LAN2")).to_contain_text("闪烁")
    expect(chip(check, "LAN2")).to_contain_text("照片：常亮")
    check.locator("[data-led-confirm]").tap()
    for _ in range(100):  # the confirmation goes through the outbox and syncs
        if db.execute("SELECT COUNT(*) FROM led_confirmations").fetchone()[0]:
            break
        page.wait_for_timeout(200)
    confirmed = db.execute("SELECT c.states, c.corrections FROM led_confirmations c JOIN led_checks k ON k.id = c.check_id"
                           " WHERE k.order_id = ?", [order_id]).fetchall()
    assert len(confirmed) == 1
    states = {s["label"]: s["state"] for s in json.loads(confirmed[0][0])}
    assert states["PON"] == "blinking" and states["LAN2"] == "blinking"
    assert [c["label"] for c in json.loads(confirmed[0][1])] == ["LAN2"]
    expect(check.locator(".led-read")).to_contain_text("1 个灯由你改过")
    shot(page, "53-led-confirmed")

    # The FTTH guide now offers the confirmed states: Power on, LOS off, PON flashing.
    page.locator("[data-start-run=ftth]").tap()
    expect(page.locator("#runner button.suggested")).to_have_attribute("data-answer", "on")
    expect(page.locator("#runner button.suggested")).to_contain_text("指示灯照片已确认")
    shot(page, "54-led-feeds-the-tree")
    page.wait_for_timeout(READING_MS)  # the question is read before it is answered (offline/double-tap.js)
    page.locator("#runner button.suggested").tap()
    expect(page.locator("#runner button.suggested")).to_have_attribute("data-answer", "off")
    page.wait_for_timeout(READING_MS)  # the question is read before it is answered (offline/double-tap.js)
    page.locator("#runner button.suggested").tap()
    expect(page.locator("#runner button.suggested")).to_have_attribute("data-answer", "blinking")

    assert camera_phone.errors == []
    # The desk's order page: the photo, what was read and what the technician confirmed.
    desk = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    log_in_desk(desk, server.url)
    desk.goto(f"{server.url}/orders/{order_id}")
    table = desk.locator("#led-checks")
    expect(table).to_contain_text("灯位未核实")
    expect(table.locator("tr.corrected")).to_contain_text("LAN2")
    expect(table.locator("img.led-thumb")).to_be_visible()
    table.scroll_into_view_if_needed()
    shot(desk, "55-led-check-on-the-order")
    desk.close()


def log_in_desk(page, base):
    from tests.conftest import PASSWORD
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "disp")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/dispatch/**")


def test_a_photo_the_server_could_not_read_asks_the_technician_to_tap_the_lights(app, server, db, user_ids, phone_profile):  # noqa: F811
    """Issue 18 item 8: a check given up as "not_read" (its stored file cannot be read, three attempts) says so on the
    phone, asks for no retake, and the technician's taps and confirmation still go through."""
    order_id, _desk = dispatch_order(app, user_ids)
    tech = Session(app, "techa")
    sha = upload(tech, photo())
    path = blob_path(app, db, sha)
    path.unlink()
    path.mkdir()
    check_id = push_check(Phone(tech), order_id, sha)
    read_again(app, check_id)
    read_again(app, check_id)
    assert reading_of(db, check_id)["quality"]["problems"] == ["not_read"]
    context, page = open_job(phone_profile, server, order_id)
    check = page.locator(".led-check").first
    expect(check.locator(".led-not-read")).to_have_text(NOT_READ_ZH)
    expect(check.locator(".led-retake")).to_have_count(0)
    expect(check.locator("svg .mark")).to_have_count(0)  # no marks where no light was found (review r5)
    assert check.locator(".led-chip").count() == len(catalog.model("huawei-hg8546m")["leds"])
    states = confirm_tapped_on(page, check, db, check_id)
    assert states == ["on"] * len(states)
    assert context.errors == []
