"""Review r6's findings on the reader (real photos of ../shared/led-photos, altered as a phone might send them)."""
import io
import json
import pathlib

import pytest
from PIL import Image, ImageEnhance, ImageOps

from webapp.led import catalog, reader

PHOTOS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "led-photos"
pytestmark = pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository (CI has it)")


def truth(name):
    return next(t for t in json.loads((PHOTOS / "truth.json").read_text()) if t["file"] == name)


def sent(name, side, brightness=1.0, tilt=0.0, fill="black", quality=90):
    """The photo as a phone uploads it: long side `side` pixels (LANCZOS), brightened, turned `tilt`
    degrees in its frame (the corners filled black or with the corner's colour), JPEG at `quality`."""
    image = ImageOps.exif_transpose(Image.open(PHOTOS / name)).convert("RGB")
    scale = side / max(image.size)
    image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    image = ImageEnhance.Brightness(image).enhance(brightness)
    if tilt:
        colour = (0, 0, 0) if fill == "black" else image.getpixel((0, 0))
        image = image.rotate(tilt, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return reader.open_photo(out.getvalue())


def confident_wrong(result, name):
    return {led["label"]: led["state"] for led, t in zip(result["leds"], truth(name)["leds"])
            if t["state"] in ("on", "off") and led["state"] in ("on", "off") and led["state"] != t["state"]
            and led["confidence"] >= 0.9}


@pytest.mark.parametrize("side, brightness, tilt, fill, quality", [
    (2048, 1.1, 0.0, "black", 92),  # the phone's upload size: POWER read "on white" 0.96 from its printed label
    (1200, 1.1, 2.0, "edge", 90),  # three labels read "on" 0.96
    (2200, 1.1, -2.0, "black", 90),
    (2600, 1.1, -2.0, "edge", 90),
])
def test_white_print_on_a_black_case_is_no_lit_white_light(side, brightness, tilt, fill, quality):
    """panel_08 (all off, white labels printed on a black case, its lights hidden until lit): the row was placed
    on the labels and their letters' clipped strokes read as lit white lights, for sure. A white light is a
    compact core with a glow; a letter's stroke is thin and sharp-edged."""
    photo = sent("panel_08.jpg", side, brightness, tilt, fill, quality)
    result = reader.read([photo], catalog.custom(["POWER", "ALARM", "PON", "LAN"]))
    if result["quality"]["ok"]:
        assert not confident_wrong(result, "panel_08.jpg"), [(led["state"], led["confidence"]) for led in result["leds"]]


@pytest.mark.parametrize("name", ["panel_01.jpg", "panel_02.jpg", "panel_04.jpg"])
def test_lit_lights_at_the_upload_size_stay_lit(name):
    """The lit lights of the real photos sent at 2048 pixels are not taken for print."""
    t = truth(name)
    result = reader.read([sent(name, 2048)], catalog.custom(t["labels_csv"].split(",")))
    assert result["quality"]["ok"], result["quality"]
    assert not confident_wrong(result, name)
    lit = [led for led, want in zip(result["leds"], t["leds"]) if want["state"] == "on"]
    assert sum(led["state"] == "on" for led in lit) >= len(lit) - 1
