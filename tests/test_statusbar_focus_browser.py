"""Review rv1 (item 1): a field focused or tapped while its top edge sits under the sticky status bar comes out below it.

Chromium scrolls a focused element into view only when it is outside the viewport; one already inside it, but
behind the sticky bar (its top edge, its label above it), stays there (seen at 390×844 offline: the note field's
top 2.6 px under the bar with the page at its end). In Chromium at 390×844 and 360×640, offline with a change
waiting (the bar's longest words): each field of the job page is put with its top 3 px and 30 px under the bar's
bottom edge, then focused (a tap, the keyboard's Tab); its top must end below the bar.
"""
import pytest
from playwright.sync_api import expect

from tests.test_offline_browser import dispatch_order, go_offline, open_job, phone_profile, server  # noqa: F401

pytestmark = pytest.mark.browser
PICKERS = ("datetime-local", "date", "time")  # a tap opens the picker (no focus in emulation): these are reached by Tab

UNDER_THE_BAR = """([name, depth]) => {
  const field = document.querySelector(`#app [name="${name}"]`);
  document.activeElement && document.activeElement.blur();
  const bar = document.getElementById("sync-status").getBoundingClientRect();
  window.scrollBy(0, field.getBoundingClientRect().top - (bar.bottom - depth));
  return field.getBoundingClientRect().top < bar.bottom;   // false when the page cannot scroll that far
}"""


def test_a_focused_field_never_stays_under_the_status_bar(app, server, user_ids, phone_profile):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    page.locator("button[data-action=accept]").tap()
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
    names = page.evaluate("[...document.querySelectorAll('#app textarea[name], #app input[name]:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file])')]"
                          ".filter(e => e.checkVisibility() && e.getBoundingClientRect().height > 0).map(e => e.name)")
    assert "text" in names and len(names) >= 3
    checked = 0
    for width, height in ((390, 844), (360, 640)):
        page.set_viewport_size({"width": width, "height": height})
        for name in names:
            for depth in (3, 30):
                for how in ("tap", "tab"):
                    field = page.locator(f"#app [name='{name}']").first
                    if how == "tap" and field.get_attribute("type") in PICKERS or not page.evaluate(UNDER_THE_BAR, [name, depth]):
                        continue
                    if how == "tap":
                        box = field.bounding_box()
                        page.touchscreen.tap(box["x"] + 10, box["y"] + box["height"] - 6)
                    else:
                        field.evaluate("f => f.focus({preventScroll: true})")
                        field.evaluate("f => f.blur()")
                        page.keyboard.press("Shift+Tab")
                        page.keyboard.press("Tab")
                    page.wait_for_timeout(150)
                    assert page.evaluate("document.activeElement.name + ' ' + document.activeElement.outerHTML.slice(0, 80)").startswith(name), (width, name, depth, how, page.evaluate("document.activeElement.outerHTML.slice(0, 60)"), page.evaluate("document.elementFromPoint(30, 90).outerHTML.slice(0, 80)"))
                    bar = page.locator("#sync-status").bounding_box()
                    top = field.bounding_box()["y"]
                    assert top >= bar["y"] + bar["height"] - 0.5, (width, name, depth, how, top, bar)
                    checked += 1
    assert checked >= 8
    assert context.errors == []
