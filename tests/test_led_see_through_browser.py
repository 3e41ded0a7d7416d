"""A picture with transparency picked for an LED check on the phone (reviews r13, r14).

The phone downscales a picked photo on a canvas and wrote it as JPEG, which has no alpha: Chromium wrote every
see-through pixel black, so a cut-out reached the reader as a dark photo, and a photo with a see-through corner
arrived with a black one. Now offline/photos.js keeps an image with any transparency as PNG (the server keeps it so,
webapp/images.py), and the LED check refuses at once, offline, a picture more than half see-through: no photo of the
panel is in it (webapp/led/reader.py SEE_THROUGH)."""
import io
import pathlib

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.test_led_read_attempts import blob_path
from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server, wait_synced  # noqa: F401
from tests.test_r9_review_browser import PHOTOS, picked_draft

pytestmark = pytest.mark.browser
ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "test-artifacts"
SEE_THROUGH_ZH = "这张图片大部分是透明的（抠图或图形），不是指示灯的照片：请对着设备面板拍一张照片。"


def cut_out(path, size, opaque_box):
    """Writes a PNG of `size` (width, height), see-through but for a grey box (left, top, right, bottom) → path."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((60, 60, 64, 255), opaque_box)
    image.save(path)
    return path


@pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository")
def test_a_photo_with_a_see_through_corner_reaches_the_server_with_its_transparency(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    photo = Image.open(PHOTOS / "panel_01.jpg").convert("RGBA")
    photo.thumbnail((1600, 1600))
    corner = (0, 0, photo.width // 5, photo.height // 5)  # a sticker's cut edge: 4 % of the picture
    photo.paste((0, 0, 0, 0), corner)
    photo.save(tmp_path / "panel_01_cut.png")
    context, page = open_job(phone_profile, server, order_id)
    draft = picked_draft(page, "huawei-hg8546m", str(tmp_path / "panel_01_cut.png"))
    draft.locator("[data-led-save]").tap()
    expect(page.locator(".led-check")).to_have_count(1)
    wait_synced(page)
    row = db.execute("SELECT sha256 FROM led_checks WHERE order_id = ?", [order_id]).fetchone()
    assert row, page.locator("main").inner_text()
    sha = row[0]
    stored = Image.open(io.BytesIO(blob_path(app, db, sha).read_bytes()))
    assert stored.format == "PNG" and stored.mode == "RGBA", (stored.format, stored.mode)  # a JPEG wrote it black
    assert stored.getpixel((2, 2))[3] == 0 and stored.getpixel((stored.width - 3, stored.height - 3))[3] == 255
    assert context.errors == []


def test_a_cut_out_is_refused_on_the_phone_before_it_is_queued(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    section = page.locator("#leds")
    section.locator("select[name=model]").select_option("huawei-hg8546m")
    section.locator("input[name=led-photo]").set_input_files(str(cut_out(tmp_path / "cut.png", (900, 600), (300, 250, 600, 350))))
    expect(page.locator("#led-error")).to_have_text(SEE_THROUGH_ZH)
    expect(page.locator("#led-draft")).to_have_count(0)
    section.screenshot(path=str(ARTIFACTS / "led-see-through-refused.png"))
    # an opaque picture of the same size is taken as a photo (the rule is the transparency, not the PNG)
    opaque = tmp_path / "opaque.png"
    Image.new("RGB", (900, 600), (60, 60, 64)).save(opaque)
    section.locator("input[name=led-photo]").set_input_files(str(opaque))
    expect(page.locator("#led-draft")).to_be_visible(timeout=15000)
    assert context.errors == []


@pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository")
def test_a_photo_with_its_light_row_erased_comes_back_as_edited(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Review r18: the light row erased to transparency (20 % of the picture, under the phone's limit) came back as a
    retake for glare ("tilt the phone"); it now says part of the picture is see-through (reader.CUT_OUT)."""
    order_id, _desk = dispatch_order(app, user_ids)
    photo = Image.open(PHOTOS / "panel_01.jpg").convert("RGBA")
    photo.thumbnail((1600, 1600))
    photo.paste((0, 0, 0, 0), (0, int(0.4 * photo.height), photo.width, int(0.6 * photo.height)))
    photo.save(tmp_path / "panel_01_erased.png")
    context, page = open_job(phone_profile, server, order_id)
    draft = picked_draft(page, "huawei-hg8546m", str(tmp_path / "panel_01_erased.png"))
    draft.locator("[data-led-save]").tap()
    wait_synced(page)
    expect(page.locator(".led-retake")).to_contain_text("有一部分是透明的", timeout=30000)
    page.locator(".led-check").first.screenshot(path=str(ARTIFACTS / "led-row-erased.png"))
    assert context.errors == []
