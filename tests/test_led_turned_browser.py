"""In Chromium (390×844): the real panel_04 photographed upside down, checked on the phone. The reader reads its row
from the other end (webapp/led/reader.py _from_other_end) and the phone says so, without "could hardly be read".
Screenshots go to /tmp/r3/."""
import pytest
from PIL import Image, ImageOps

from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server  # noqa: F401
from tests.test_r3_review_browser import PHOTOS, TRUTH, jpeg, pick, save_and_read, snap

pytestmark = pytest.mark.browser


@pytest.mark.skipif(not TRUTH, reason="../shared/led-photos is not here")
def test_an_upside_down_photo_is_read_from_the_other_end_and_the_phone_says_so(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    image = ImageOps.exif_transpose(Image.open(PHOTOS / "panel_04.jpg")).convert("RGB").rotate(180)
    pick(page, "zte-f601", "upside-down.jpg", jpeg(image))
    check = save_and_read(page, 0)
    check.scroll_into_view_if_needed()
    snap(page, "led-read-turned")
    said = check.inner_text()
    assert "已从这排灯的另一端读取" in said, said
    assert "照片几乎无法读取" not in said, said
    chips = [c.inner_text() for c in check.locator(".led-chip").all()]
    seen = [led["state"] for led in TRUTH["panel_04.jpg"]["leds"]]  # POWER, PON lit; LOS, ALARM, LAN off
    assert len(chips) == len(seen) and all(("亮" if state == "on" else "灭") in chip for chip, state in zip(chips, seen)), chips
    assert context.errors == []
