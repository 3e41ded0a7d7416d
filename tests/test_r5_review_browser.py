"""Review r5's finding on the phone (390×844, real Chromium): lights a technician did not tap are not confirmed."""
import pathlib

import pytest
from playwright.sync_api import expect

from tests.test_led_browser import pull_reading
from tests.test_offline_browser import (  # noqa: F401  (fixtures)
    dispatch_order, go_offline, go_online, open_job, phone_profile, server)

pytestmark = pytest.mark.browser
PHOTOS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "led-photos"


def job_offline(app, server, user_ids, phone_profile):  # noqa: F811
    """A technician's phone (390×844) on a new order's job page, then offline → (order_id, context, page, #leds)."""
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    return order_id, context, page, page.locator("#leds")


@pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository (CI has it)")
def test_one_tap_on_a_draft_confirms_no_other_light(app, server, db, user_ids, phone_profile):  # noqa: F811
    """The draft used to start every light "off": tapping only POWER saved LOS, PON and LAN as confirmed off, and the
    FTTH guide offered PON 灭 "as confirmed on the LED photo" for panel_01, whose PON is lit. Untapped lights stay
    "unsure", said "未点选" (not tapped) until the photo is read, and the guide offers nothing for them."""
    order_id, context, page, section = job_offline(app, server, user_ids, phone_profile)
    section.locator("select[name=model]").select_option("zte-f6005")
    section.locator("input[name=led-photo]").set_input_files(str(PHOTOS / "panel_01.jpg"))  # POWER, PON, LAN lit
    draft = page.locator("#led-draft")
    expect(draft).to_be_visible(timeout=15000)
    chips = draft.locator(".led-chip")
    expect(chips.nth(1)).to_contain_text("未点选")  # not said yet: never "灭" before anyone looked
    chips.nth(0).tap()  # only POWER
    expect(chips.nth(0)).not_to_contain_text("未点选")
    draft.locator("[data-led-save]").tap()
    saved = page.locator(".led-check").first
    expect(saved).to_be_visible(timeout=10000)
    expect(saved.locator(".led-chip").nth(1)).to_contain_text("未点选")
    page.locator("[data-start-run=ftth]").tap()
    page.wait_for_timeout(800)
    suggested = []
    for _ in range(3):
        button = page.locator("#runner button.suggested")
        if not button.count():
            break
        suggested.append((page.locator("#runner").get_attribute("data-node"), button.get_attribute("data-answer")))
        button.tap()
        page.wait_for_timeout(300)
    assert suggested == [], f"lights nobody confirmed offered to the fault tree: {suggested}"
    # Online, the reading comes back: the tapped light keeps the tap, the others show the photo's reading; the
    # hint on flashing names this model's own lights (the ZTE F6005: LOS, PON, LAN), not a fixed list.
    go_online(server, context, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    page.goto(f"{server.url}/jobs/")
    page.locator(f"#job-{order_id} .job-main").tap()
    saved = page.locator(".led-check").first
    pull_reading(page, saved)
    expect(saved.locator(".led-read")).to_be_visible(timeout=30000)
    expect(saved.locator(".led-flash-hint")).to_contain_text("LOS · PON · LAN")
    expect(saved.locator(".led-chip").nth(0)).to_contain_text("常亮")
    assert context.errors == []


@pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository (CI has it)")
def test_an_older_confirmed_check_is_not_offered_once_a_newer_one_was_taken(app, server, db, user_ids, phone_profile,  # noqa: F811
                                                                           tmp_path):
    """Review r6: check 1 confirmed with every light tapped (POWER off); the power fixed, check 2 saved with only POWER
    tapped "on". The guide offered check 1's POWER "off" (it skipped the unconfirmed newer check). Only the newest
    check counts: not confirmed yet, it offers nothing."""
    order_id, context, page, section = job_offline(app, server, user_ids, phone_profile)
    for number, taps in enumerate(([3, 1, 1, 1], [1])):  # POWER off (on, flashing, off), the rest on; then POWER on only
        photo = tmp_path / f"panel-{number}.jpg"  # a new file each time (the same one again fires no change)
        photo.write_bytes((PHOTOS / "panel_01.jpg").read_bytes())
        section.locator("select[name=model]").select_option("zte-f6005")
        section.locator("input[name=led-photo]").set_input_files(str(photo))
        draft = page.locator("#led-draft")
        expect(draft).to_be_visible(timeout=15000)
        for index, count in enumerate(taps):
            for _ in range(count):
                draft.locator(".led-chip").nth(index).tap()
        draft.locator("[data-led-save]").tap()
        expect(page.locator("#led-draft")).to_have_count(0)
    expect(page.locator(".led-check")).to_have_count(2)
    page.locator("[data-start-run=ftth]").tap()
    page.wait_for_timeout(800)
    assert page.locator("#runner button.suggested").count() == 0, page.locator("#runner").inner_text()
    assert context.errors == []


def test_confirm_on_a_not_read_check_with_some_taps_names_the_lights_still_to_tap(app, server, db, user_ids,  # noqa: F811
                                                                                  phone_profile):
    """Review r6: a check the server could not read, saved with POWER tapped only: "Confirm these lights" did nothing
    at all. It now names, beside the button, the lights still to tap (Chinese first), sends nothing, and confirms once
    every light has a state."""
    import uuid

    from tests.conftest import Phone, Session
    from tests.test_led import upload
    from tests.test_led_browser import confirm_tapped_on
    from tests.test_led_read_attempts import MODEL, blob_path, photo, reading_of
    from webapp.led import catalog
    order_id, _desk = dispatch_order(app, user_ids)
    tech = Session(app, "techa")
    sha = upload(tech, photo())
    path = blob_path(app, db, sha)
    path.unlink()
    path.mkdir()  # every attempt fails: the check ends "not_read" (immediate mode runs the three at once)
    labels = [led["label"] for led in catalog.model(MODEL)["leds"]]
    tapped = [{"label": label, "state": "on" if k == 0 else "unsure", "color": "green" if k == 0 else None}
              for k, label in enumerate(labels)]
    check_id = str(uuid.uuid4())
    phone = Phone(tech)
    result = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": check_id, "model_id": MODEL,
                                                             "capture": "photo", "sha256": sha, "frames": 1,
                                                             "tapped": tapped})]).json["results"][0]
    assert result["status"] == "applied", result
    assert reading_of(db, check_id)["quality"]["problems"] == ["not_read"]
    context, page = open_job(phone_profile, server, order_id)
    check = page.locator(".led-check").first
    expect(check.locator(".led-not-read")).to_be_visible()
    check.locator("[data-led-confirm]").tap()
    problem = check.locator(".led-confirm-problem")
    expect(problem).to_have_text("请点选这些灯，说明你看到的状态，再确认：" + " · ".join(labels[1:]))
    page.wait_for_timeout(500)
    assert db.execute("SELECT COUNT(*) FROM led_confirmations").fetchone()[0] == 0
    # each light still "unsure": one tap says it is on
    assert confirm_tapped_on(page, check, db, check_id, first=1) == ["on"] * len(labels)
    expect(problem).to_have_count(0)
    assert context.errors == []
