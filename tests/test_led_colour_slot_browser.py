"""In Chromium (390×844): a photo whose lit red light stands where the chosen model's light can only be green
(webapp/led/reader.py _misplaced_colour). The phone decides no light and says to check the model or the names,
without "could hardly be read". Screenshot in /tmp/r3/."""
import pytest

from tests.test_led_colour_slot import drawn_jpeg
from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server  # noqa: F401
from tests.test_r3_review_browser import pick, save_and_read, snap

pytestmark = pytest.mark.browser


def test_a_colour_the_model_cannot_show_sends_the_technician_to_the_model(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    pick(page, "tplink-archer-c6", "panel.jpg", drawn_jpeg("zte-f601", {"POWER": "green", "LOS": "red"}))
    check = save_and_read(page, 0)
    check.scroll_into_view_if_needed()
    snap(page, "led-colour-misfit")
    said = check.inner_text()
    assert "颜色是本型号该位置的灯不可能显示的" in said, said
    assert "照片几乎无法读取" not in said, said
    chips = [c.inner_text() for c in check.locator(".led-chip").all()]
    assert len(chips) == 5 and not any("亮" in chip or "灭" in chip for chip in chips), chips
    assert context.errors == []
