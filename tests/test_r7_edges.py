"""Review r5's confident wrong states at a row's ends (issue 18): a row cut by the frame's edge, and a unit
mounted upside down. The real photos of ../shared/led-photos, altered as a phone might take them, sent
through the real upload path (/api/uploads → order.led_check → reading) and read directly."""
import hashlib
import io
import pathlib
import uuid

import numpy as np
import pytest
from PIL import Image, ImageOps

from tests.conftest import Phone
from tests.test_sync import order_id  # noqa: F401  (fixture)
from tests.test_uploads import Uploader
from webapp.led import catalog, reader

PHOTOS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "led-photos"
pytestmark = pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository (CI has it)")

CASES = [
    ("panel_04 with LAN cropped off", "zte-f601", {"POWER": "on", "PON": "on", "LOS": "off", "ALARM": "off"}),
    ("panel_01 upside down", "zte-f6005", {"POWER": "on", "LOS": "off", "PON": "on", "LAN": "on"}),
]


def altered(name):
    """The photo as JPEG bytes: panel_04 cropped so the right edge passes half a light-step left of LAN
    (536×614 → 374×614), or panel_01 turned 180° (a unit mounted upside down, labels readable)."""
    image = ImageOps.exif_transpose(Image.open(PHOTOS / ("panel_04.jpg" if "panel_04" in name else "panel_01.jpg")))
    image = image.convert("RGB")
    image = image.crop((0, 0, 374, 614)) if "cropped" in name else image.rotate(180, expand=True)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def confident_wrong(leds, truth):
    states = {led["label"]: (led["state"], led["confidence"]) for led in leds}
    return {k: states[k] for k, v in truth.items()
            if states[k][0] in ("on", "off") and states[k][0] != v and states[k][1] >= reader.SURE}


def check(login, order_id, data, model):  # noqa: F811
    tech = login("techa")
    sent = Uploader(tech).send(data, "image/jpeg")
    assert sent.status_code == 204, sent.get_json()
    phone = Phone(tech)
    phone.push([phone.mutation("order.led_check", {
        "order_id": order_id, "check_id": str(uuid.uuid4()), "model_id": model, "capture": "photo",
        "sha256": hashlib.sha256(data).hexdigest(), "frames": 1})])
    order = next(c["data"] for c in phone.pull(None)["changes"] if c["table"] == "orders" and c["id"] == order_id)
    return order["led_checks"][0]["reading"]


@pytest.mark.parametrize("name,model,truth", CASES)
def test_r5_no_confident_wrong_state_through_the_upload_path(login, order_id, name, model, truth):  # noqa: F811
    """r5 finding (failed on d9911a5): LOS read "on" 0.96 on both; PON "off" 0.92 upside down."""
    reading = check(login, order_id, altered(name), model)
    assert not confident_wrong(reading["leds"], truth), reading["leds"]


def test_a_cut_row_is_placed_with_its_cut_light_outside_the_frame():
    """panel_04 cropped half a step left of LAN: the row is placed with LAN outside the photo (read unsure),
    not shifted by one light so that every light reads as its neighbour."""
    result = reader.read([reader.open_photo(altered(CASES[0][0]))], catalog.model("zte-f601"))
    leds = {led["label"]: led for led in result["leds"]}
    assert leds["LAN"]["x"] > 1.0 and leds["LAN"]["state"] == "unsure"
    assert 0.55 < leds["POWER"]["x"] < 0.72, leds["POWER"]  # the real POWER light is at 0.63 of the cropped width


def test_cut_off_and_placeable():
    points = np.array([[[x, 5.0] for x in (10, 40, 70, 100)], [[x, 5.0] for x in (40, 70, 100, 130)],
                       [[x, 5.0] for x in (70, 100, 130, 160)]])
    assert reader._placeable(points, 120, 20, 2.0).tolist() == [True, True, False]  # one slot of four out, not two
    assert reader._cut_off(points[1], 120, 20, 2.0).tolist() == [False, False, False, True]


def test_colours_tell_the_direction():
    colours = [["green"], ["red"], ["green"], ["green"]]  # zte-f6005: POWER, LOS, PON, LAN
    assert reader._colour_direction([95.0, 90.0, None, 92.0], colours) == -1  # a green light where the red LOS is
    assert reader._colour_direction([95.0, None, None, 92.0], colours) == 0  # the ends alike, both green
    assert reader._colour_direction([95.0, 5.0, None, 92.0], colours) == 1  # a red light where LOS is
    assert reader._colour_direction([None, None, None, None], colours) == 0


def test_a_row_read_mostly_unsure_with_a_light_cut_off_asks_for_the_whole_row():
    leds = [{"state": "unsure"}] * 4 + [{"state": "on"}]
    assert reader._advice(leds, 40.0, 2048, cut=True) == ["cut_off"]
    assert reader._advice(leds, 40.0, 2048) == ["unsure"]
    assert reader._advice(leds, 40.0, 400, cut=True) == ["small_photo"]
    assert reader._advice([{"state": "on"}] * 4 + [{"state": "unsure"}], 40.0, 2048, cut=True) == []
    assert "cut_off" in reader.ADVICE
