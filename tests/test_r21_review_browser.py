"""Review r21 on the phone: a black-and-white photo of the lights is sent back in the technician's words (the reader's
"no_colour", tests/test_r21_review.py), not read with lit lights off."""
import pytest
from PIL import Image, ImageOps
from playwright.sync_api import expect

from tests.test_led_uploaded import PHOTOS
from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server  # noqa: F401
from tests.test_r9_review_browser import ARTIFACTS, saved_and_read


@pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository")
def test_a_black_and_white_photo_is_sent_back_saying_to_switch_the_filter_off(app, server, db, user_ids,  # noqa: F811
                                                                              phone_profile, tmp_path):  # noqa: F811
    grey = tmp_path / "mono.jpg"
    ImageOps.grayscale(ImageOps.exif_transpose(Image.open(PHOTOS / "panel_01.jpg"))).save(
        grey, "JPEG", quality=90)
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    section = page.locator("#leds")
    section.locator("select[name=model]").select_option("zte-f6005")
    section.locator("input[name=led-photo]").set_input_files(str(grey))
    draft = page.locator("#led-draft")
    expect(draft).to_be_visible(timeout=15000)
    check = saved_and_read(page, draft)
    expect(check).to_contain_text("这张照片没有颜色（黑白照片）", timeout=15000)
    expect(check).to_contain_text("黑白/单色滤镜")
    expect(check.locator(".led-chip").filter(has_text="照片：灭")).to_have_count(0)
    check.screenshot(path=str(ARTIFACTS / "r21-black-and-white.png"))
    page.screenshot(path=str(ARTIFACTS / "r21-black-and-white-page.png"), full_page=True)
    context.close()
