"""Review r15 (browser): photos picked from the phone's gallery, as a technician and as an attacker.

photos.js decided "may this picture see through?" from the file's *type* (png, webp, gif, avif). The browser gives
that type from the file's *name*: a PNG saved as "IMG_2041.jpg" (chat apps and some galleries name every picture
.jpg) or a file with no extension was typed image/jpeg or "", so its transparency was never measured, the canvas was
written as JPEG and every see-through pixel became black. On the job photo the stored photo had a black patch; on
the LED check the "more than half see-through" refusal was skipped and a black picture read as a dark panel. Fixed:
the phone measures transparency unless the file's own first bytes say JPEG. Also: a refused file's sentence stayed
on screen after a good photo was queued."""
import pathlib

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server, wait_synced  # noqa: F401

pytestmark = pytest.mark.browser
ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "test-artifacts"


def png_named_jpg(tmp_path, see_through_box):
    """A light 1600×1200 photo-like picture whose `see_through_box` (fractions x0, y0, x1, y1) is fully transparent,
    written as PNG bytes under a camera-like .jpg name."""
    picture = Image.new("RGBA", (1600, 1200), (215, 210, 200, 255))
    ImageDraw.Draw(picture).rectangle((600, 500, 1000, 700), fill=(60, 180, 80, 255))
    x0, y0, x1, y1 = see_through_box
    ImageDraw.Draw(picture).rectangle((x0 * 1600, y0 * 1200, x1 * 1600 - 1, y1 * 1200 - 1), fill=(0, 0, 0, 0))
    path = tmp_path / "IMG_2041.jpg"
    picture.save(path, "PNG")
    return path


def stored_photo(app, db, order_id):
    row = db.execute("SELECT b.path, b.content_type FROM attachments a JOIN blobs b ON b.sha256 = a.sha256"
                     " WHERE a.order_id = ?", [order_id]).fetchone()
    return (Image.open(pathlib.Path(app.config["BLOB_FOLDER"]) / row[0]), row[1]) if row else (None, None)


def test_a_png_named_jpg_keeps_its_see_through_corner(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    page.locator("#photo-form input[name=photo]").set_input_files(str(png_named_jpg(tmp_path, (0, 0, 0.2, 0.2))))
    expect(page.locator("#photo-error")).to_be_hidden()
    wait_synced(page)
    for _ in range(50):
        image, content_type = stored_photo(app, db, order_id)
        if image:
            break
        page.wait_for_timeout(200)
    assert image is not None, "the photo never reached the server"
    image.convert("RGB").save(ARTIFACTS / "r15-png-named-jpg-stored.jpg")
    corner = image.convert("RGBA").getpixel((20, 20))
    context.close()
    # see-through kept (PNG, alpha 0) or laid on white: never black
    assert corner[3] == 0 or sum(corner[:3]) > 600, f"{content_type}: the transparent corner was stored as {corner}"


def test_a_mostly_see_through_png_named_jpg_is_refused_on_the_led_check(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    page.locator("#leds input[name=led-photo]").set_input_files(str(png_named_jpg(tmp_path, (0, 0, 1, 0.7))))
    error, draft = page.locator("#led-error"), page.locator("#led-draft")
    expect(error.or_(draft).first).to_be_visible(timeout=15000)
    page.locator("#leds").screenshot(path=str(ARTIFACTS / "r15-led-png-named-jpg.png"))
    shown = error.inner_text() if error.is_visible() else ""
    drafted = draft.count()
    context.close()
    assert "透明" in shown and not drafted, f"no see-through refusal (draft shown: {bool(drafted)}, said: {shown!r})"


def test_a_refused_file_s_sentence_goes_once_a_good_photo_is_queued(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """An empty file is refused with a sentence; the photo picked next is queued: the sentence must not stay."""
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    (tmp_path / "empty.jpg").write_bytes(b"")
    photo = tmp_path / "panel.jpg"
    Image.new("RGB", (1600, 1200), (30, 40, 50)).save(photo, "JPEG")
    form = page.locator("#photo-form")
    form.locator("input[name=photo]").set_input_files(str(tmp_path / "empty.jpg"))
    expect(page.locator("#photo-error")).to_contain_text("空的（0 字节）")  # review r18: an empty file says it is empty
    form.locator("input[name=photo]").set_input_files(str(photo))
    expect(page.locator("#photos figure")).to_have_count(1)
    form.screenshot(path=str(ARTIFACTS / "r15-stale-photo-error.png"))
    expect(page.locator("#photo-error")).to_be_hidden()
    context.close()
