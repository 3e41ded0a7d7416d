"""Review r15's leftovers (browser): a photo cut short, and a file that only claims to be a HEIC.

- A JPEG cut short (a full phone, a broken transfer) was refused as "not a photo": it is a photo, damaged, and the
  technician should take it again. The phone now says so, on the job photo and on the LED check.
- A text file named .heic was queued (the phone sends a HEIC as it is for the server to convert), and after the sync
  the technician read only the generic "refused by the server". Its bytes are not HEIC: the phone refuses it at once.
"""
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server  # noqa: F401

pytestmark = pytest.mark.browser
DAMAGED = "已损坏"
NOT_A_PHOTO = "不是照片"


def cut_short(tmp_path):
    """A 1600×1200 camera JPEG with its second half missing."""
    out = io.BytesIO()
    Image.effect_noise((1600, 1200), 60).convert("RGB").save(out, "JPEG", quality=90)
    path = tmp_path / "IMG_3307.jpg"
    path.write_bytes(out.getvalue()[:len(out.getvalue()) // 2])
    return path


def text_named_heic(tmp_path):
    path = tmp_path / "IMG_3308.heic"
    path.write_text("这不是照片。\n" * 200, encoding="utf-8")
    return path


def queued(page):
    """How many changes and files the phone holds (the outbox keeps a sent change until the pull confirms it)."""
    return page.evaluate("""async () => {
      const boot = JSON.parse(document.getElementById("boot").textContent);
      const db = await ONTrackStore.open(boot.user.id);
      const counts = { outbox: (await db.getAll("outbox")).length, blobs: (await db.getAll("blobs")).length };
      db.close();
      return counts;
    }""")


@pytest.mark.parametrize("make, said", [(cut_short, DAMAGED), (text_named_heic, NOT_A_PHOTO)], ids=["cut-short", "text-heic"])
def test_the_job_photo_says_why_a_file_is_refused_and_queues_nothing(app, server, db, user_ids, phone_profile, tmp_path,  # noqa: F811
                                                                     make, said):
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    before = queued(page)
    page.locator("#photo-form input[name=photo]").set_input_files(str(make(tmp_path)))
    expect(page.locator("#photo-error")).to_contain_text(said, timeout=15000)
    after = queued(page)
    context.close()
    assert after == before, f"a refused file was queued: {before} → {after}"


@pytest.mark.parametrize("make, said", [(cut_short, DAMAGED), (text_named_heic, NOT_A_PHOTO)], ids=["cut-short", "text-heic"])
def test_the_led_check_says_why_a_file_is_refused(app, server, db, user_ids, phone_profile, tmp_path, make, said):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    page.locator("#leds input[name=led-photo]").set_input_files(str(make(tmp_path)))
    expect(page.locator("#led-error")).to_contain_text(said, timeout=15000)
    drafted = page.locator("#led-draft").count()
    context.close()
    assert not drafted
