"""An LED check's draft (a photo taken, its lights being tapped, not saved yet) belongs to its job and to the phone,
not to the page in memory (review r57): a draft on one job does not hide or lose another job's, and a draft saved or
discarded in one tab is not saved again from another."""
import base64
import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from tests.test_offline_browser import (dispatch_order, offline_job, phone_profile, photo_file,   # noqa: F401  (fixtures)
    server, storage_full, stored_records)

pytestmark = pytest.mark.browser


# The phone's storage full for LED drafts (drafts.js keeps them in "meta" under "draft:<order>:led-photo").
STORAGE_FULL = storage_full(":led-photo")


def choose_photo(page, tmp_path):
    page.locator("#leds input[name=led-photo]").set_input_files(str(photo_file(tmp_path)))
    draft = page.locator("#led-draft")
    expect(draft).to_be_visible(timeout=15000)
    return draft


def open_from_list(page, order_id):
    """Back to the job list and into another job inside the app, as a technician goes (no reload: memory stays)."""
    page.go_back()
    page.locator(f"#job-{order_id} .job-main").tap()
    expect(page.locator("#leds")).to_be_visible()


# A tab that neither hears nor tells the phone's other tabs, as in a browser without BroadcastChannel (drafts.js); it
# shows a draft as it drew it until it is touched, as a tab does before the news arrives.
DEAF = "delete self.BroadcastChannel"


def tab_on(context, url, deaf=False):
    """Another tab of the phone on the job page at `url`."""
    tab = context.new_page()
    if deaf:
        tab.add_init_script(DEAF)
    tab.goto(url)
    expect(tab.locator("#leds")).to_be_visible()
    return tab


def test_a_draft_on_one_job_keeps_another_job_s_draft_and_taps(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    second, _ = dispatch_order(app, user_ids)
    first, context, page = offline_job(app, user_ids, phone_profile, server)
    draft = choose_photo(page, tmp_path)
    draft.locator(".led-chip[data-index='0']").tap()
    expect(draft.locator(".led-chip[data-index='0']")).to_contain_text("常亮")
    open_from_list(page, second)
    expect(page.locator("#led-draft")).to_have_count(0)  # the first job's draft is not this job's
    choose_photo(page, tmp_path).locator(".led-chip[data-index='1']").tap()
    open_from_list(page, first)
    draft = page.locator("#led-draft")
    expect(draft).to_be_visible()  # not hidden behind the second job's draft, no empty form in its place
    expect(page.locator("#led-form")).to_have_count(0)
    expect(draft.locator(".led-chip[data-index='0']")).to_contain_text("常亮")
    shot(page, "r57-led-draft-kept-across-jobs")
    open_from_list(page, second)
    expect(page.locator("#led-draft .led-chip[data-index='1']")).to_contain_text("常亮")
    assert context.errors == []


def test_a_draft_saved_in_one_tab_is_not_saved_again_from_another(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    _order, context, page = offline_job(app, user_ids, phone_profile, server)
    # A tab on the job since before the photo: it shows the form. It and `other` are deaf, so what they do in a draft
    # saved or replaced elsewhere is what a tab does before the news arrives.
    before = tab_on(context, page.url, deaf=True)
    expect(before.locator("#led-form")).to_be_visible()
    draft = choose_photo(page, tmp_path)
    draft.locator(".led-chip[data-index='0']").tap()
    expect(draft.locator(".led-chip[data-index='0']")).to_contain_text("常亮")
    # A photo chosen in the older tab does not write over the draft: that draft shows, with its tap, and says why.
    before.locator("#leds input[name=led-photo]").set_input_files(str(photo_file(tmp_path)))
    expect(before.locator(".led-draft-notice")).to_contain_text("已有一张未保存的指示灯照片")
    expect(before.locator("#led-draft .led-chip[data-index='0']")).to_contain_text("常亮")
    shot(before, "r57-led-draft-from-another-tab")
    other = tab_on(context, page.url, deaf=True)
    expect(other.locator("#led-draft .led-chip[data-index='0']")).to_contain_text("常亮")
    other.locator("#led-draft .led-chip[data-index='1']").tap()  # a tap in each tab: both are kept
    expect(other.locator("#led-draft .led-chip[data-index='1']")).to_contain_text("常亮")
    # Save tapped twice at once (a lagging phone): one check
    page.locator("#led-draft [data-led-save]").evaluate("(button) => { button.click(); button.click(); }")
    expect(page.locator(".led-check")).to_have_count(1)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
    for index in ("0", "1"):
        expect(page.locator(f".led-check .led-chip[data-index='{index}']")).to_contain_text("常亮")
    other.locator("#led-draft .led-chip[data-index='2']").tap()  # a tab not redrawn since: no draft comes back
    expect(other.locator("#led-draft")).to_have_count(0)
    other.locator("[data-led-save]").evaluate_all("(buttons) => buttons.forEach((b) => b.click())")
    expect(other.locator("#led-form")).to_be_visible()
    before.locator("#led-draft [data-led-discard]").tap()  # discarded after it was saved: the check stays
    expect(before.locator("#led-draft")).to_have_count(0)
    choose_photo(before, tmp_path)  # its own draft now: no notice left over
    expect(before.locator(".led-draft-notice")).to_have_count(0)
    before.locator("#led-draft [data-led-discard]").tap()
    for tab in (page, other, before):
        tab.reload()
        expect(tab.locator(".led-check")).to_have_count(1)
        expect(tab.locator("#led-draft")).to_have_count(0)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
    assert context.errors == []


# Click a light's chip of the LED draft when the phone's clock reaches `at` (ms): two tabs given one `at` tap within a
# millisecond or two of each other, as two fingers in two tabs did.
TAP_AT = """([index, at]) => { setTimeout(() => document.querySelector(
  `#led-draft .led-chip[data-index='${index}']`).click(), at - Date.now()); }"""
# The order's LED draft as this tab's IndexedDB keeps it (drafts.js: "meta", "draft:<order>:led-photo"), evaluated with
# [orderId, what]: "states" gives its lights' states, "labels" their labels, "draft_id" its id; null when none is kept.
KEPT_DRAFT = """async ([orderId, what]) => {
  const boot = JSON.parse(document.getElementById("boot").textContent);
  const db = await ONTrackStore.open(boot.user.id);
  const kept = await db.get("meta", `draft:${orderId}:led-photo`);
  db.close();
  if (!kept) return null;
  return what === "draft_id" ? kept.draft_id : kept.states.map((s) => (what === "labels" ? s.label : s.state));
}"""
NEXT_STATE = {"unsure": "on", "off": "on", "on": "blinking", "blinking": "off"}  # offline/led.js nextState
RACES = 15


def test_two_tabs_tapping_lights_of_one_draft_at_once_keep_both_taps(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Two tabs of the phone tapping different lights of one draft within milliseconds: each read the kept draft and
    wrote it back whole, and one tap was lost (1 run in 5). Each tap now changes the draft where it is kept."""
    order_id, context, page = offline_job(app, user_ids, phone_profile, server)
    choose_photo(page, tmp_path)
    other = context.new_page()
    other.goto(page.url)
    expect(other.locator("#led-draft")).to_be_visible()
    for race in range(RACES):
        before = page.evaluate(KEPT_DRAFT, [order_id, "states"])
        at = page.evaluate("() => Date.now() + 150")
        page.evaluate(TAP_AT, [0, at])
        other.evaluate(TAP_AT, [1, at])
        both = [NEXT_STATE[before[0]], NEXT_STATE[before[1]]]
        kept = until_kept(page, order_id, both)
        assert kept[:2] == both, f"race {race + 1} of {RACES}: lights 1 and 2 kept {kept[:2]}, tapped to {both}"
    for tab in (page, other):
        tab.reload()
        for index, state in enumerate(both):
            expect(tab.locator(f"#led-draft .led-chip[data-index='{index}']")).to_have_class(re.compile(rf"\bstate-{state}\b"))
    assert context.errors == []


# Click the LED draft's Save when the phone's clock reaches `at` (ms), as TAP_AT taps a light.
SAVE_AT = """(at) => { setTimeout(() => document.querySelector("#led-draft [data-led-save]").click(), at - Date.now()); }"""


def note_kept(key_part, index):
    """A script noting in `window.keptLight` the state of light `index` each time the tab writes lights where the phone
    keeps them ("meta", under a key holding `key_part`): the draft's (":led-photo") or a saved check's (":led-taps:")."""
    return f"""() => {{ window.keptLight = []; const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {{
    if (this.name === "meta" && String(key).includes({json.dumps(key_part)}) && value && value.states) {{
      window.keptLight.push(value.states[{index}].state);
    }}
    return put.apply(this, arguments);
  }}; }}"""


SAVE_RACES = 12


def test_a_tap_in_one_tab_just_after_save_in_another_is_queued_or_not_kept(
        app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Review r59: a tap in one tab 0-3 ms after Save in another went into the kept draft after Save had read it, and the
    check was queued without it, the draft (and the tap) dropped (6 tries in 12). A tap the phone kept is now queued."""
    _order_id, context, page = offline_job(app, user_ids, phone_profile, server)
    saver = context.new_page()
    saver.goto(page.url)
    for race in range(SAVE_RACES):
        choose_photo(saver, tmp_path)
        page.reload()
        expect(page.locator("#led-draft")).to_be_visible()
        page.evaluate(note_kept(":led-photo", 0))
        at = page.evaluate("() => Date.now() + 150")
        saver.evaluate(SAVE_AT, at)
        page.evaluate(TAP_AT, [0, at + race % 4])
        expect(saver.locator("#led-form")).to_be_visible()
        page.wait_for_timeout(300)
        checks = [e for e in stored_records(saver, "outbox") if e["name"] == "order.led_check"]
        assert len(checks) == race + 1
        tapped = checks[-1]["args"]["tapped"]
        if "on" in page.evaluate("window.keptLight"):
            assert tapped and tapped[0]["state"] == "on", f"race {race + 1} of {SAVE_RACES}: the kept tap was not queued"
    assert context.errors == []


def until_kept(page, order_id, states, seconds=5.0):
    """The kept states of the draft's lights once its first ones are `states`, else after `seconds`."""
    end = time.monotonic() + seconds
    kept = page.evaluate(KEPT_DRAFT, [order_id, "states"]) or []
    while kept[:len(states)] != states and time.monotonic() < end:
        page.wait_for_timeout(100)
        kept = page.evaluate(KEPT_DRAFT, [order_id, "states"]) or []
    return kept


def test_the_next_check_starts_with_the_model_of_the_last(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Review r57: after a check of a ZTE F6005 on a job whose order names another ONT, the form for the next photo
    went back to the order's model; another photo is most often of the same unit."""
    _order, context, page = offline_job(app, user_ids, phone_profile, server)
    model = page.locator("#led-form select[name=model]")
    ordered = model.input_value()
    assert ordered and ordered != "zte-f6005"
    model.select_option("zte-f6005")
    choose_photo(page, tmp_path).locator("[data-led-save]").tap()
    expect(page.locator(".led-check")).to_have_count(1)
    expect(page.locator(".led-check .led-waiting")).to_contain_text("等待同步")
    expect(page.locator("#led-form select[name=model]")).to_have_value("zte-f6005")
    page.reload()
    expect(page.locator("#led-form select[name=model]")).to_have_value("zte-f6005")
    assert context.errors == []


def test_a_model_named_by_its_lights_comes_back_for_the_next_check(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Review r57c: after a check of a model named by its lights, the next form went back to the catalog's model with
    the names gone; and two lights tapped at once (two fingers) kept only one."""
    _order, context, page = offline_job(app, user_ids, phone_profile, server)
    page.locator("#led-form select[name=model]").select_option("custom")
    page.fill("#led-form input[name=labels]", "PWR,PON,LOS,LAN,WIFI")
    draft = choose_photo(page, tmp_path)
    draft.locator(".led-chip[data-index='0']").evaluate(
        "(chip) => { chip.click(); document.querySelector(\"#led-draft .led-chip[data-index='2']\").click(); }")
    for index in ("0", "2"):
        expect(draft.locator(f".led-chip[data-index='{index}']")).to_contain_text("常亮")
    draft.locator("[data-led-save]").tap()
    expect(page.locator(".led-check")).to_have_count(1)
    for index in ("0", "2"):
        expect(page.locator(f".led-check .led-chip[data-index='{index}']")).to_contain_text("常亮")
    expect(page.locator("#led-form select[name=model]")).to_have_value("custom")
    expect(page.locator("#led-form input[name=labels]")).to_be_visible()
    expect(page.locator("#led-form input[name=labels]")).to_have_value("PWR,PON,LOS,LAN,WIFI")
    page.reload()
    expect(page.locator("#led-form input[name=labels]")).to_have_value("PWR,PON,LOS,LAN,WIFI")
    assert context.errors == []


def test_a_draft_the_phone_cannot_keep_still_works_in_its_tab(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """With the phone's storage full the draft cannot be kept: it stays on screen in its tab, takes taps and saves
    (as it did before drafts were kept at all), not dropped as "saved in another tab"."""
    _order, context, page = offline_job(app, user_ids, phone_profile, server)
    page.evaluate(STORAGE_FULL)
    draft = choose_photo(page, tmp_path)
    draft.locator(".led-chip[data-index='0']").tap()
    expect(draft.locator(".led-chip[data-index='0']")).to_contain_text("常亮")
    draft.locator("[data-led-save]").tap()
    expect(page.locator(".led-check")).to_have_count(1)
    expect(page.locator(".led-check .led-chip[data-index='0']")).to_contain_text("常亮")
    expect(page.locator("#led-draft")).to_have_count(0)
    assert context.errors == []


def tapped_then_storage_full(page, tmp_path):
    """A draft kept with light 1 tapped, then light 2 tapped with the storage full: the kept copy is older."""
    draft = choose_photo(page, tmp_path)
    draft.locator(".led-chip[data-index='0']").tap()
    expect(draft.locator(".led-chip[data-index='0']")).to_contain_text("常亮")
    page.evaluate(STORAGE_FULL)
    draft.locator(".led-chip[data-index='1']").tap()
    expect(draft.locator(".led-chip[data-index='1']")).to_contain_text("常亮")


def test_a_draft_whose_last_tap_was_not_kept_is_discarded_for_good(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Review r57d: discarding it brought the older kept copy back."""
    _order, context, page = offline_job(app, user_ids, phone_profile, server)
    tapped_then_storage_full(page, tmp_path)
    page.locator("#led-draft [data-led-discard]").tap()
    expect(page.locator("#led-form")).to_be_visible()
    page.wait_for_timeout(1000)
    expect(page.locator("#led-draft")).to_have_count(0)
    page.reload()
    expect(page.locator("#led-form")).to_be_visible()
    expect(page.locator("#led-draft")).to_have_count(0)
    assert context.errors == []


def test_a_draft_saved_in_another_tab_is_not_saved_twice_after_a_tap_not_kept(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Review r57d: the tab holding a tap it could not keep saved the draft again after another tab had saved it."""
    _order, context, page = offline_job(app, user_ids, phone_profile, server)
    tapped_then_storage_full(page, tmp_path)
    other = tab_on(context, page.url, deaf=True)  # its save is not told: the first tab tries to save it too
    other.locator("#led-draft [data-led-save]").tap()
    expect(other.locator(".led-check")).to_have_count(1)
    page.locator("#led-draft [data-led-save]").tap()
    expect(page.locator("#led-draft")).to_have_count(0)
    page.reload()
    expect(page.locator(".led-check")).to_have_count(1)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
    assert context.errors == []


def test_a_draft_never_kept_does_not_drop_another_tab_s_draft(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Review r57d: saving a draft this tab alone held (storage full) dropped the draft another tab had kept."""
    _order, context, page = offline_job(app, user_ids, phone_profile, server)
    page.evaluate(STORAGE_FULL)
    choose_photo(page, tmp_path)
    other = context.new_page()
    other.goto(page.url)
    theirs = choose_photo(other, tmp_path)
    theirs.locator(".led-chip[data-index='2']").tap()
    expect(theirs.locator(".led-chip[data-index='2']")).to_contain_text("常亮")
    page.locator("#led-draft [data-led-save]").tap()
    expect(page.locator(".led-check")).to_have_count(1)
    theirs.locator(".led-chip[data-index='3']").tap()
    expect(theirs.locator(".led-chip[data-index='3']")).to_contain_text("常亮")
    other.reload()
    expect(other.locator("#led-draft .led-chip[data-index='2']")).to_contain_text("常亮")
    expect(other.locator("#led-draft .led-chip[data-index='3']")).to_contain_text("常亮")
    assert context.errors == []


# The photo chosen in the job's LED form ready when the phone's clock reaches `at` (ms), however long it took to shrink:
# the page's last look at it (createImageBitmap of the shrunk photo, not of the chosen file) resolves then, and the draft
# starts right after. Two tabs given one `at` start theirs within a millisecond or two of each other.
PHOTO_READY_AT = """(at) => { const decode = window.createImageBitmap;
  window.createImageBitmap = function (source) {
    const decoded = decode.apply(this, arguments);
    return source instanceof File ? decoded
      : decoded.then((bitmap) => new Promise((ready) => setTimeout(() => ready(bitmap), at - Date.now())));
  }; }"""
PICK_RACES = 8


def test_two_tabs_choosing_a_photo_at_once_start_one_draft(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Two tabs of the phone choosing a photo for one job within milliseconds: each found no draft kept, then each kept
    its own, the later over the earlier, and neither tab said so: the tab whose photo was written over showed it still
    (its taps then went nowhere) or showed the other tab's photo unexplained. Now the first photo kept is the job's one
    draft, both tabs show it, and the other tab says why its photo was not taken, as a tab choosing one later does."""
    order_id, context, page = offline_job(app, user_ids, phone_profile, server)
    other = context.new_page()
    other.goto(page.url)
    names = {page: ["A1", "A2", "A3"], other: ["B1", "B2", "B3"]}  # each tab's photo of a model named by its lights
    # Written once: a file written again after a tab chose it, before the tab read it, is one the tab cannot read.
    photo = str(photo_file(tmp_path))
    for race in range(PICK_RACES):
        for tab in (page, other):
            tab.reload()
            tab.locator("#led-form select[name=model]").select_option("custom")
            tab.fill("#led-form input[name=labels]", ",".join(names[tab]))
        at = page.evaluate("() => Date.now() + 1000")  # time enough to shrink both photos
        for offset, tab in enumerate((page, other)):
            tab.evaluate(PHOTO_READY_AT, at + offset * (race % 3))
            tab.locator("#leds input[name=led-photo]").set_input_files(photo)
        for tab in (page, other):  # each tab drawn after its draft was started or found
            expect(tab.locator("#led-draft")).to_be_visible(timeout=15000)
        kept = page.evaluate(KEPT_DRAFT, [order_id, "labels"])
        assert kept in names.values()
        for tab in (page, other):
            chips = tab.locator("#led-draft .led-chip").evaluate_all("(chips) => chips.map((c) => c.textContent)")
            assert [re.search(r"\d+ (\w+) ·", words).group(1) for words in chips] == kept, (
                f"race {race + 1} of {PICK_RACES}: the tab of {names[tab][0]}… shows another draft than the one kept")
        told = [names[tab][0] for tab in (page, other) if tab.locator(".led-draft-notice").count()]
        assert told == [names[tab][0] for tab in (page, other) if names[tab] != kept], (
            f"race {race + 1} of {PICK_RACES}: the tab whose photo was not kept does not say so")
        page.locator("#led-draft [data-led-discard]").tap()
        expect(page.locator("#led-form")).to_be_visible()
    assert context.errors == []


def test_a_draft_started_or_tapped_in_one_tab_shows_so_in_another(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Tab B showed the draft as it drew it until touched: the form while tab A had a photo, a light unsure that A had
    tapped. It is drawn again as kept, with nothing done in it (offline: it is all on the phone)."""
    _order, context, page = offline_job(app, user_ids, phone_profile, server)
    other = tab_on(context, page.url)
    expect(other.locator("#led-form")).to_be_visible()
    choose_photo(page, tmp_path)
    expect(other.locator("#led-draft")).to_be_visible()
    expect(other.locator("#led-form")).to_have_count(0)
    page.locator("#led-draft .led-chip[data-index='0']").tap()
    expect(page.locator("#led-draft .led-chip[data-index='0']")).to_contain_text("常亮")
    expect(other.locator("#led-draft .led-chip[data-index='0']")).to_contain_text("常亮")
    other.locator("#led-draft .led-chip[data-index='1']").tap()  # and the other way
    expect(page.locator("#led-draft .led-chip[data-index='1']")).to_contain_text("常亮")
    expect(page.locator("#led-draft .led-chip[data-index='0']")).to_contain_text("常亮")
    assert context.errors == []


def test_a_draft_saved_in_one_tab_leaves_the_other_tab_listing_the_check(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Tab B kept showing a draft tab A had saved: the draft goes, and the check saved from it is listed (and a tap on
    that check's lights in tab A shows in B)."""
    _order, context, page = offline_job(app, user_ids, phone_profile, server)
    choose_photo(page, tmp_path).locator(".led-chip[data-index='0']").tap()
    expect(page.locator("#led-draft .led-chip[data-index='0']")).to_contain_text("常亮")
    other = tab_on(context, page.url)
    expect(other.locator("#led-draft")).to_be_visible()
    page.locator("#led-draft [data-led-save]").tap()
    expect(page.locator(".led-check")).to_have_count(1)
    expect(other.locator("#led-draft")).to_have_count(0)
    expect(other.locator(".led-check")).to_have_count(1)
    expect(other.locator(".led-check .led-chip[data-index='0']")).to_contain_text("常亮")
    expect(other.locator("#led-form")).to_be_visible()
    page.locator(".led-check .led-chip[data-index='1']").tap()  # a saved check's taps are shown so too
    expect(other.locator(".led-check .led-chip[data-index='1']")).to_contain_text("常亮")
    assert context.errors == []


def test_a_draft_discarded_in_one_tab_goes_from_the_other_tab(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Tab B kept showing a draft tab A had discarded: it goes, and the form for a photo is back."""
    _order, context, page = offline_job(app, user_ids, phone_profile, server)
    choose_photo(page, tmp_path)
    other = tab_on(context, page.url)
    expect(other.locator("#led-draft")).to_be_visible()
    page.locator("#led-draft [data-led-discard]").tap()
    expect(page.locator("#led-form")).to_be_visible()
    expect(other.locator("#led-draft")).to_have_count(0)
    expect(other.locator("#led-form")).to_be_visible()
    expect(other.locator(".led-check")).to_have_count(0)
    assert context.errors == []


def test_a_discard_throws_the_photo_away_with_taps_made_since_in_another_tab(
        app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Discard is about the photo: a tap made on it in another tab since this tab drew it does not keep it."""
    order_id, context, page = offline_job(app, user_ids, phone_profile, server)
    choose_photo(page, tmp_path)
    deaf = tab_on(context, page.url, deaf=True)
    page.locator("#led-draft .led-chip[data-index='0']").tap()
    assert until_kept(page, order_id, ["on"])[:1] == ["on"]
    deaf.locator("#led-draft [data-led-discard]").tap()
    expect(deaf.locator("#led-form")).to_be_visible()
    assert page.evaluate(KEPT_DRAFT, [order_id, "labels"]) is None
    page.reload()
    expect(page.locator("#led-form")).to_be_visible()
    expect(page.locator("#led-draft")).to_have_count(0)
    assert context.errors == []


# Once Discard is tapped, the next time the tab reads the order's kept LED draft, another draft of the order is kept
# right after the read, as another tab does that saved or discarded the draft and started its own in that moment: the
# same photo under another draft_id ("theirs"), its first light tapped on. Written from this tab's own read (IndexedDB
# runs readwrite transactions in the order they are opened), it lands between that read and any later transaction of
# this tab, each run. Armed on the tap itself, before the app reads anything for it: that read is the discard's.
THEIRS_AFTER_DISCARD_READS = """(orderId) => { const key = `draft:${orderId}:led-photo`;
  const get = IDBObjectStore.prototype.get;
  let armed = false;
  document.addEventListener("click", (event) => { armed = Boolean(event.target.closest("[data-led-discard]")); }, true);
  IDBObjectStore.prototype.get = function (query) {
    const request = get.apply(this, arguments);
    if (armed && this.name === "meta" && query === key) {
      armed = false;
      const db = this.transaction.db;
      request.addEventListener("success", () => {
        const mine = request.result;
        const theirs = { ...mine, draft_id: "theirs", rev: 1, touched: true,
          states: mine.states.map((s, i) => (i ? s : { label: s.label, state: "on", color: "green" })) };
        db.transaction("meta", "readwrite").objectStore("meta").put(theirs, key);
      });
    }
    return request;
  }; }"""
# The draft_id of an order's kept LED draft, else null.
def test_a_discard_leaves_a_draft_another_tab_started_meanwhile(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Discard read the kept draft, then deleted the key in a transaction of its own: a draft another tab started in
    between (its own photo, its taps) was dropped, never seen. Only this tab's draft goes; the other one stays, and
    both tabs show it."""
    order_id, context, page = offline_job(app, user_ids, phone_profile, server)
    choose_photo(page, tmp_path)
    other = tab_on(context, page.url)
    expect(other.locator("#led-draft")).to_be_visible()
    page.evaluate(THEIRS_AFTER_DISCARD_READS, order_id)
    page.locator("#led-draft [data-led-discard]").tap()
    page.wait_for_timeout(500)
    assert page.evaluate(KEPT_DRAFT, [order_id, "draft_id"]) == "theirs"
    for tab in (page, other):
        expect(tab.locator("#led-draft .led-chip[data-index='0']")).to_contain_text("常亮")
    other.reload()
    expect(other.locator("#led-draft .led-chip[data-index='0']")).to_contain_text("常亮")
    assert context.errors == []
