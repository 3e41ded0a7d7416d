"""Review r19 (a fresh reviewer, 2026-12-03) on the LED reader: a real photo shrunk to 300-500 pixels wide, as a phone's
gallery may hold it, read a dim lit light "off" with confidence and said nothing of the photo's size: panel_02 at 400
pixels its LAN off 0.94, panel_03 at 300 (Lanczos) its PON off 0.92. In such a photo a light is a few pixels across and
a dim lit one shows no glow: reader .29 reads no light "off" for sure in a photo under ADVICE_SIDE pixels whose lights
are under SMALL_SPACING apart, and any light left unsure in a small photo comes with the "small_photo" advice."""
import pytest
from PIL import Image

from tests.test_led_uploaded import PHOTOS
from tests.test_r12_review import MODELS, jpeg, lit_read_off, read, uploaded
from tests.test_r8_review import truth

pytestmark = pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository")


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("side,resample", [(300, Image.BILINEAR), (300, Image.LANCZOS), (360, Image.BILINEAR),
                                           (400, Image.BILINEAR), (400, Image.LANCZOS), (500, Image.LANCZOS)])
def test_a_small_copy_puts_out_no_lit_light_and_says_it_is_small(name, side, resample):
    image = uploaded(name)
    image.thumbnail((side, side), resample)
    result = read(jpeg(image, 90), name)
    if not result["quality"]["ok"]:
        return  # a retake is an answer
    assert lit_read_off(result, name) == []
    if any(led["state"] == "unsure" for led in result["leds"]):
        assert result["quality"].get("advice") == ["small_photo"], result["quality"]


@pytest.mark.parametrize("name", ["panel_04.jpg", "panel_06.jpg"])
def test_a_photo_small_as_taken_with_its_lights_far_apart_still_reads_them_off(name):
    """The rule is the lights' spacing in a small photo: panel_04 (536 pixels) and panel_06 (629) as the phone uploads
    them are placed 39 and 69 pixels apart and read every light as a person does."""
    result = read(jpeg(uploaded(name)), name)
    assert [led["state"] for led in result["leds"]] == [led["state"] for led in truth(name)["leds"]]
