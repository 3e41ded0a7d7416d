"""r7 review findings on the phone (issue 18), 390 px: who confirmed an LED check offline, what a refused LED
confirmation said, who and when beside the tree's suggestion, and a single photo's "steady" never reaching the tree."""
import contextlib
import pathlib
import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import Phone, Session
from tests.test_led import upload
from tests.test_led_browser import chip
from tests.test_offline_browser import (  # noqa: F401  (fixtures)
    dispatch_order, go_offline, go_online, log_in, phone_profile, ready_offline, server)

pytestmark = pytest.mark.browser
PHOTO = pathlib.Path(__file__).resolve().parents[2] / "shared" / "led-photos" / "panel_01.jpg"
OUT = pathlib.Path("/tmp/r7")
LABELS = ["POWER", "LOS", "PON", "LAN"]


def snap(page, name):
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)


@contextlib.contextmanager
def phone_on_job(playwright, browser_type_launch_args, folder, server, username, order_id):  # noqa: F811
    """A 390-px phone of its own (zh, Asia/Shanghai) with `username` logged in, ready offline, on the job `order_id`'s
    page → (context, page); closed after. context.errors collects the page's uncaught errors."""
    from tests.test_browser import PHONE
    context = playwright.chromium.launch_persistent_context(
        str(folder), **browser_type_launch_args, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    try:
        context.set_default_timeout(15000)
        context.errors = []
        context.on("weberror", lambda e: context.errors.append(str(e.error)))
        page = context.new_page()
        log_in(page, server.url, username)
        ready_offline(page)
        page.locator(f"#job-{order_id} .job-main").tap()
        yield context, page
    finally:
        context.close()


def a_check(app, order_id, taps=None):
    """Technician A's single-photo check of a custom POWER,LOS,PON,LAN panel through the API → (phone, check id)."""
    a_api = Phone(Session(app, "techa"))
    sha = upload(a_api.session, PHOTO.read_bytes())
    check_id = str(uuid.uuid4())
    if taps is None:
        taps = [{"label": l, "state": "on" if l != "LOS" else "off", "color": "green" if l != "LOS" else None} for l in LABELS]
    result = a_api.push([a_api.mutation("order.led_check", {"order_id": order_id, "check_id": check_id, "labels": ",".join(LABELS),
                                                             "capture": "photo", "sha256": sha, "frames": 1, "tapped": taps})]).json
    assert result["results"][0]["status"] == "applied", result
    return a_api, check_id


def test_reassignment_on_the_phones(app, server, db, user_ids, playwright, browser_type_launch_args, tmp_path):  # noqa: F811
    """A confirms offline; meanwhile the order goes to B: A's refused confirmation is named as one, with A's lights."""
    order_id, desk = dispatch_order(app, user_ids)
    _a_api, check_id = a_check(app, order_id)
    with phone_on_job(playwright, browser_type_launch_args, tmp_path / "a", server, "techa", order_id) as (a, page):
        check = page.locator(".led-check").first
        expect(check.locator(".led-read")).to_be_visible(timeout=20000)
        go_offline(server, a)
        chip(check, "LAN").tap()  # on → flashing
        check.locator("[data-led-confirm]").tap()
        page.wait_for_timeout(500)
        server.up()
        desk.post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techb"])})
        server.down()
        go_online(server, a, page)
        page.wait_for_timeout(3000)
        page.locator("#sync-now").tap()
        page.wait_for_timeout(2000)
        page.goto(f"{server.url}/jobs/")
        expect(page.locator(".attention-item").first).to_be_visible()
        item = page.locator(".attention-item").first.inner_text()
        snap(page, "c2-a-joblist")
        print("A attention:", item)
        # named as what it was, not "照片" (the list used to call anything but a state change or a note a photo) …
        what = item.split("·")[1]
        assert "照片" not in what and "指示灯确认" in what, item
        # … with the lights A confirmed, so A can tell what was not applied
        for words in ("POWER 常亮", "LOS 灭", "PON 常亮", "LAN 闪烁"):
            assert words in item, (words, item)
        assert not a.errors, a.errors


def test_new_holder_confirms_offline_the_phone_names_who(app, server, db, user_ids, playwright, browser_type_launch_args, tmp_path):  # noqa: F811
    """B, the new holder, confirms A's check offline: while it waits, the phone must not say A confirmed it."""
    order_id, desk = dispatch_order(app, user_ids)
    a_check(app, order_id)
    desk.post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techb"])})
    names = {r["id"]: r["display_name"] for r in db.query("SELECT id, display_name FROM users")}
    with phone_on_job(playwright, browser_type_launch_args, tmp_path / "b", server, "techb", order_id) as (b, page):
        check = page.locator(".led-check").first
        expect(check.locator(".led-confirmed-by")).to_contain_text(names[user_ids["techa"]])
        go_offline(server, b)
        chip(check, "LAN").tap()  # on → flashing
        check.locator("[data-led-confirm]").tap()
        expect(check).to_contain_text("待同步")
        shown = check.locator(".led-confirmed-by").inner_text() if check.locator(".led-confirmed-by").count() else ""
        check.screenshot(path=str(OUT / "d1-b-offline-confirmed.png"))
        print("B PHONE offline after confirm:", shown)
        assert names[user_ids["techa"]] not in shown, f"B's own pending confirmation is shown as A's: {shown!r}"
        assert names[user_ids["techb"]] in shown and "待同步" in shown, shown
        assert not b.errors, b.errors


def test_the_tree_says_who_confirmed_the_lights_and_when(app, server, db, user_ids, playwright, browser_type_launch_args, tmp_path):  # noqa: F811
    """After a reassignment B's tree suggests A's states: beside the suggestion, A's name and the local time A confirmed."""
    from datetime import datetime
    from zoneinfo import ZoneInfo
    order_id, desk = dispatch_order(app, user_ids)
    _a_api, check_id = a_check(app, order_id)  # every light tapped: confirmed by A
    desk.post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techb"])})
    name_a = db.execute("SELECT display_name FROM users WHERE id = ?", [user_ids["techa"]]).fetchone()[0]
    at = db.execute("SELECT confirmed_at FROM led_checks WHERE id = ?", [check_id]).fetchone()[0]
    local = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")
    with phone_on_job(playwright, browser_type_launch_args, tmp_path / "b", server, "techb", order_id) as (b, page):
        expect(page.locator(".led-check").first.locator(".led-confirmed-by")).to_contain_text(name_a)
        page.locator("[data-start-run=ftth]").tap()
        suggested = page.locator("#runner button.suggested")
        expect(suggested).to_have_count(1)
        words = suggested.locator(".from-photo").inner_text()
        snap(page, "f1-b-tree-suggestion")
        print("TREE:", page.locator("#runner").get_attribute("data-node"), suggested.get_attribute("data-answer"), words)
        assert name_a in words and local in words, (words, name_a, local)
        assert not b.errors, b.errors


def test_one_tap_on_confirm_does_not_send_a_single_photos_steady_to_the_tree(app, server, db, user_ids, phone_profile):  # noqa: F811
    """A single photo read, nothing tapped, one tap on "Confirm these lights": a light the photo read "on" reaches the
    tree as lit, not steady: no answer is suggested for it, and the runner asks the technician to watch it (390 px)."""
    from tests import led_render
    from tests.test_led_read_attempts import MODEL, push_check, reading_of
    from tests.test_offline_browser import open_job
    order_id, _desk = dispatch_order(app, user_ids)
    a_api = Phone(Session(app, "techa"))
    shot = led_render.make_case(21, "single", model_id=MODEL)["photos"][0]  # a rendered HG8546M, POWER and PON lit
    check_id = push_check(a_api, order_id, upload(a_api.session, shot))  # no taps: every light is the photo's word
    reading = reading_of(db, check_id)
    read = {led["label"]: led["state"] for led in reading["leds"]}
    print("READING", read, reading.get("steady_known"))
    assert reading.get("steady_known") is False and read["POWER"] == "on", read  # the case under test
    context, page = open_job(phone_profile, server, order_id)
    assert page.viewport_size["width"] == 390
    check = page.locator(".led-check").first
    expect(check.locator(".led-read")).to_be_visible(timeout=20000)
    expect(check.locator(".led-flash-hint")).to_be_visible()  # the phone's own word: one photo cannot show flashing
    check.locator("[data-led-confirm]").tap()
    expect(check.locator(".led-confirmed, .led-confirm-problem")).to_be_visible()
    if check.locator(".led-confirm-problem").count():  # lights the photo could not tell: the technician taps them
        for label in [l for l, s in read.items() if s == "unsure"]:
            chip(check, label).tap()
        check.locator("[data-led-confirm]").tap()
    expect(check.locator(".led-confirmed")).to_be_visible()
    page.locator("[data-start-run=ftth]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "H1")  # the ONT's power light
    expect(page.locator("#runner [data-answer=on]")).to_be_visible()
    snap(page, "g1-tree-lit-from-one-photo")
    print("TREE H1:", page.locator("#runner").inner_text().replace("\n", " | "))
    suggested = page.locator("#runner button.suggested")
    assert suggested.count() == 0, f"a single photo's {suggested.get_attribute('data-answer')!r} offered to the tree as confirmed"
    expect(page.locator("#runner .led-lit")).to_be_visible()
    assert "技术员 A" in page.locator("#runner .led-lit").inner_text()
    # The technician watched it: steady. The next question, LOS, which the photo read off, is still suggested off.
    page.locator("#runner [data-answer=on]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "H2")
    print("NEXT:", page.locator("#runner").inner_text().replace("\n", " | ")[:300])
    expect(page.locator("#runner button.suggested")).to_have_attribute("data-answer", "off")
    expect(page.locator("#runner .led-lit")).to_have_count(0)
    # ... with a word that one photo may catch a flashing LOS between flashes (the "off" stays suggested).
    expect(page.locator("#runner .led-dark")).to_contain_text("闪烁")
    page.screenshot(path=str(OUT / "r7-single-photo-dark-hint.png"))
    assert not context.errors, context.errors
