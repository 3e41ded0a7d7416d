"""A change queued in one tab shows in the phone's other tabs (offline/app.js followOtherTabs, outbox.js): a step taken
or taken back on a job, or the job list's count, without a touch. Before, only the LED check's drafts were told, and a
job's other tab still offered the step just queued until it was touched (last session's note)."""
import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from tests.test_led_drafts_browser import DEAF
from tests.test_offline_browser import (offline_job, phone_profile, server,  # noqa: F401  (fixtures)
                                        tap_through)

pytestmark = pytest.mark.browser


def other_tab(context, url, deaf=False):
    """Another tab of the phone at `url`, drawn (a job page or the list)."""
    tab = context.new_page()
    if deaf:
        tab.add_init_script(DEAF)
    tab.goto(url)
    expect(tab.locator("body[data-ready='1']")).to_have_count(1, timeout=10000)  # drawn by the app, from the phone
    expect(tab.locator("#app .step, #app .job-main").first).to_be_visible()
    return tab


def test_a_step_queued_or_taken_back_in_one_tab_shows_in_the_other(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, context, page = offline_job(app, user_ids, phone_profile, server)
    other = other_tab(context, page.url)
    expect(other.locator("button[data-action=accept]")).to_be_visible()
    tap_through(page, "accept")
    # The other tab, untouched, shows the step done and no longer offers it (offline: nothing was sent).
    expect(other.locator("li.step.done[data-step=accept]")).to_have_count(1, timeout=5000)
    expect(other.locator("button[data-action=accept]")).to_have_count(0)
    shot(other, "other-tab-step-queued")
    # Taken back in the other tab: the first tab offers it again.
    other.locator("[data-undo=accept]").tap()
    expect(page.locator("button[data-action=accept]")).to_be_visible(timeout=5000)
    expect(page.locator("li.step.done[data-step=accept]")).to_have_count(0)


def test_a_tab_that_hears_nothing_shows_the_step_when_touched(app, server, db, user_ids, phone_profile):  # noqa: F811
    """The test above can fail: a tab without BroadcastChannel keeps offering the step queued elsewhere until it is
    drawn again, and then shows it done (the outbox is the phone's, not the tab's)."""
    order_id, context, page = offline_job(app, user_ids, phone_profile, server)
    deaf = other_tab(context, page.url, deaf=True)
    tap_through(page, "accept")
    deaf.wait_for_timeout(1500)
    expect(deaf.locator("button[data-action=accept]")).to_be_visible()
    deaf.reload()
    expect(deaf.locator("li.step.done[data-step=accept]")).to_have_count(1, timeout=5000)


def test_the_job_list_in_another_tab_shows_the_change_waiting(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, context, page = offline_job(app, user_ids, phone_profile, server)
    listing = other_tab(context, page.url.rsplit("/", 1)[0] + "/")
    expect(listing.locator(f"#job-{order_id} .job-top .chip.state-dispatched")).to_have_count(1)
    tap_through(page, "accept")
    expect(listing.locator(f"#job-{order_id} .job-top .chip.state-accepted")).to_have_count(1, timeout=5000)


def test_a_tab_being_typed_in_waits_and_does_not_take_a_step_twice(app, server, db, user_ids, phone_profile):  # noqa: F811
    """Review r66: while a note was typed in one tab, a step queued in another redrew it (the LED check's listener drew
    even then), and the note box moved 200 px under the finger. It now waits; and its out-of-date step button, tapped,
    queues nothing again: the page is drawn as the job now is, and says why."""
    from tests.test_offline_browser import stored_records
    order_id, context, page = offline_job(app, user_ids, phone_profile, server)
    typing = other_tab(context, page.url)
    note = typing.locator("#note-form textarea[name=text]")
    note.tap()
    note.type("光猫 LOS 红灯")
    top = note.bounding_box()["y"]
    tap_through(page, "accept")
    typing.wait_for_timeout(1500)
    assert abs(note.bounding_box()["y"] - top) < 1, "the field being typed in moved"
    expect(note).to_have_value("光猫 LOS 红灯")
    typing.locator("button[data-action=accept]").tap()  # the page still offers it: it was being filled in
    expect(typing.locator("#steps-error")).to_contain_text("另一个标签页", timeout=5000)
    expect(typing.locator("li.step.done[data-step=accept]")).to_have_count(1)
    accepts = [e for e in stored_records(typing, "outbox") if e["name"] == "order.transition"]
    assert len(accepts) == 1, accepts
    expect(typing.locator("#note-form textarea[name=text]")).to_have_value("光猫 LOS 红灯")
