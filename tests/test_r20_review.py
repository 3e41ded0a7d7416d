"""Review r20 (a fresh reviewer, 2026-12-03) on the LED reader: two real photos made worse read a lit light "off" 0.94.

- panel_03 darkened to half its brightness (1000 pixels wide, the panel's own names typed in): its lit DATA. The row was
  placed from the one lit light still clear (POWER) down the column of printed names beside the lights, while DATA's
  glow, the strongest lit spot in the frame, lay off the row.
- panel_02 saved at JPEG quality 15: its dim lit LAN, the glow smeared off the lens into the blocks beside it.

Reader .31: a lit spot off the row is a doubt once it is stronger than the row's own, from STRAY_FLOOR however weak the
photo's lights are all; an unlit light with a glow of its own colour just across the row from its slot is unsure
(_glow_beside). The same kind on a render: dev render 5112, a black case whose names run under its lights, the row
placed along the names, read 2.4G and WPS off 0.99."""

import pytest
from PIL import Image, ImageEnhance

from tests import led_render
from tests.test_led_uploaded import PHOTOS
from tests.test_r12_review import MODELS, jpeg, lit_read_off
from tests.test_r8_review import photo, truth
from webapp.led import catalog, reader

needs_photos = pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository")


def resized(name, size):
    """The real photo `size` pixels wide ("w1000", as the reviewer made it) or on its long side ("1000")."""
    image = photo(name)
    side = int(size.lstrip("w"))
    if size.startswith("w"):
        return image.resize((side, round(image.height * side / image.width)), Image.LANCZOS)
    image.thumbnail((side, side), Image.LANCZOS)
    return image


def told(name, how):
    """The catalog model, or only the light names typed in (a custom model: every colour allowed)."""
    return catalog.model(MODELS[name]) if how == "model" else catalog.custom([led["label"] for led in truth(name)["leds"]])


def read(data, model):
    return reader.read([reader.open_photo(data)], model)


@needs_photos
@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("size", ["1000", "w1000"])
@pytest.mark.parametrize("factor", [0.5, 0.6, 0.7])
@pytest.mark.parametrize("how", ["model", "names"])
def test_a_darker_photo_puts_out_no_lit_light(name, size, factor, how):
    result = read(jpeg(ImageEnhance.Brightness(resized(name, size)).enhance(factor), 90), told(name, how))
    if result["quality"]["ok"]:
        assert lit_read_off(result, name) == []


@needs_photos
@pytest.mark.xfail(strict=True, reason="open (review r20, reader .31): panel_03 at 0.4x brightness, 1000 pixels: the row "
                   "placed down the ends of the printed names; PON's glow beside its slot is too faint (0.6 noise units) "
                   "to doubt, PON read off 0.92")
@pytest.mark.parametrize("how", ["model", "names"])
def test_a_much_darker_photo_puts_out_no_lit_light(how):
    name = "panel_03.jpg"
    result = read(jpeg(ImageEnhance.Brightness(resized(name, "1000")).enhance(0.4), 90), told(name, how))
    assert not result["quality"]["ok"] or lit_read_off(result, name) == []


@needs_photos
@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("quality", [15, 25, 40])
@pytest.mark.parametrize("how", ["model", "names"])
def test_a_coarse_jpeg_puts_out_no_lit_light(name, quality, how):
    """panel_02 at quality 25 keeps no trace of its dim LAN's green, beside the lens or in it (a dark dot like its unlit
    neighbours): read off 0.99 until reader .47 measured how coarse a JPEG's colour is (_coarse_chroma)."""
    result = read(jpeg(resized(name, "w1000"), quality), told(name, how))
    if result["quality"]["ok"]:
        assert lit_read_off(result, name) == []


@needs_photos
@pytest.mark.parametrize("side", [600, 700, 1024])
@pytest.mark.parametrize("quality", [30, 40, 50])
@pytest.mark.parametrize("how", ["model", "names"])
def test_a_dim_lit_lens_a_plain_re_encode_leaves_no_colour_is_not_read_off(side, quality, how):
    """Review r59: the real panel_02 made smaller (long side 600-1024 pixels) and saved at JPEG quality 30-50 read its
    dim lit LAN "off" 0.92-0.99: the lens, under half a chroma block across, keeps no tint (as its unlit neighbours)."""
    image = photo("panel_02.jpg")
    image.thumbnail((side, side), Image.LANCZOS)
    result = read(jpeg(image, quality), told("panel_02.jpg", how))
    assert not result["quality"]["ok"] or lit_read_off(result, "panel_02.jpg") == []


def test_a_row_placed_along_the_names_under_the_lights_reads_no_lit_light_off():
    case = led_render.make_case(5112, "single")  # zte-f670l, black case, its names printed under the lights
    result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
    assert result["quality"]["ok"]
    wrong = [(truth["label"], led["confidence"]) for truth, led in zip(case["truth"], result["leds"])
             if truth["state"] == "on" and led["state"] == "off"]
    assert wrong == []
