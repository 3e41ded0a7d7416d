"""Review r18 (a fresh reviewer, 2026-12-03) on the LED reader: a picture whose light row was erased to transparency
(under the phone's 50 % see-through limit, so it is sent) came back as a retake for glare ("tilt the phone a little
so the reflection moves off them"). A camera writes no transparency: a retake of a picture with a see-through part
(reader.CUT_OUT, 1 % of it or more) now says that part may be what was needed ("cut_out")."""
import io
import pathlib

import pytest
from PIL import Image

from webapp import labels
from webapp.led import catalog, checks, reader

PHOTOS = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "led-photos"
pytestmark = pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository")


def edited(box, fill=(0, 0, 0, 0)):
    """panel_01 as a PNG of at most 1600 pixels with `box` (shares of width and height) painted `fill`."""
    photo = Image.open(PHOTOS / "panel_01.jpg").convert("RGBA")
    photo.thumbnail((1600, 1600))
    left, top, right, bottom = box
    photo.paste(fill, (int(left * photo.width), int(top * photo.height), int(right * photo.width), int(bottom * photo.height)))
    out = io.BytesIO()
    photo.save(out, "PNG")
    return out.getvalue()


def quality(data):
    return checks.analyze(data, "photo", 1, catalog.model("huawei-hg8546m"))[0]["quality"]


def test_a_picture_with_its_light_row_erased_is_sent_back_as_edited_not_for_glare():
    said = quality(edited((0, 0.4, 1, 0.6)))
    assert said["problems"] == ["cut_out"], said
    assert "see-through" in reader.RETAKE["cut_out"] and "cut_out" in labels.LED_PROBLEMS


def test_the_same_row_painted_black_is_no_cut_out():
    """The rule is the transparency: the same band painted opaque black is whatever retake the reader finds."""
    said = quality(edited((0, 0.4, 1, 0.6), (0, 0, 0, 255)))
    assert said["problems"] and "cut_out" not in said["problems"], said


def test_a_see_through_corner_is_still_read():
    """Reviews r13, r14: a sticker's cut corner (4 % of the picture) is a photo, read as one."""
    assert quality(edited((0, 0, 0.2, 0.2)))["ok"]
