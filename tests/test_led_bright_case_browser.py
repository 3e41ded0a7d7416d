"""In Chromium (390×844): the real panel_01 (ZTE F6005, POWER, PON and LAN lit green on a warm-white case) taken a
little too bright, as a phone's auto-exposure does (×1.15): its case clips in red and green though hardly a pixel is
white. Readers up to .39 read every light "unsure" and told the technician to come closer; .40 reads the three lit
lights lit (webapp/led/reader.py _value_clipped_share). Screenshot in /tmp/r3/."""
import pathlib
import sys

import pytest

from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server  # noqa: F401
from tests.test_r3_review_browser import PHOTOS, TRUTH, pick, save_and_read, snap

pytestmark = pytest.mark.browser
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))
import bench_led  # noqa: E402


@pytest.mark.skipif(not TRUTH, reason="../shared/led-photos is not here")
def test_a_bright_photo_of_a_cream_case_shows_its_lit_lights_on_the_phone(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    pick(page, "zte-f6005", "panel_01-bright.jpg", bench_led.as_phone_sends((PHOTOS / "panel_01.jpg").read_bytes(), 1.15))
    check = save_and_read(page, 0)
    check.scroll_into_view_if_needed()
    snap(page, "led-bright-cream-case")
    said = check.inner_text()
    assert check.locator(".led-retake").count() == 0, said
    chips = [chip.inner_text() for chip in check.locator(".led-chip").all()]
    shown = {label: next(text for text in chips if f" {label} ·" in text.replace("\n", " ")) for label in
             ("POWER", "LOS", "PON", "LAN")}
    assert all("亮" in shown[label] for label in ("POWER", "PON", "LAN")), shown
    assert "亮" not in shown["LOS"], shown
    assert context.errors == []
