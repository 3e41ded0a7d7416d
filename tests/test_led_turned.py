"""A photo upside down or on its side whose row, read as held, cannot be: the power light off beside lit lights, and
the lit lights' colours fitting the row's other end. Both signs come from the lights; together they say the photo is
turned, and the row is read again from its other end (reader._from_other_end, _turned_model) with advice
"read_turned". One sign alone only puts the lights that differ in doubt (tests/test_r23_review.py: panel_01 turned
180°, whose row read as held can be). Before reader .38 the real panel_02 and panel_04, uploaded turned 90° or 180°,
read every light "unsure" at 0.60."""
import math

import numpy as np
import pytest
from PIL import Image

from tests.conftest import Phone
from tests.test_led import upload
from tests import led_render
from tests.test_led_uploaded import PHOTOS, bench_led
from tests.test_r12_review import MODELS, jpeg, uploaded
from tests.test_r20_review import read, told
from tests.test_r8_review import truth
from tests.test_sync import order_id  # noqa: F401  (fixture)
from webapp.led import catalog, reader

needs_photos = pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository")


def turned_place(x, y, turn):
    """Where a point (fractions of the frame) of an upright photo lies in the photo turned `turn` degrees
    counter-clockwise (PIL's rotate with expand)."""
    return {0: (x, y), 90: (y, 1 - x), 180: (1 - x, 1 - y), 270: (1 - y, x)}[turn]


@needs_photos
@pytest.mark.parametrize("name", ["panel_02.jpg", "panel_04.jpg"])
@pytest.mark.parametrize("turn", [90, 180])
@pytest.mark.parametrize("how", ["model", "names"])
def test_a_turned_photo_whose_row_cannot_be_as_held_is_read_from_the_other_end(name, turn, how):
    upright = read(jpeg(uploaded(name)), told(name, how))
    image = uploaded(name).rotate(turn, expand=True)
    result = read(jpeg(image), told(name, how))
    assert result["quality"]["ok"] and result["quality"]["advice"][0] == "read_turned", result["quality"]
    seen = [led["state"] for led in truth(name)["leds"]]
    assert [led["state"] for led in result["leds"]] == seen, result["leds"]
    assert [led["label"] for led in result["leds"]] == [led["label"] for led in told(name, how)["leds"]]
    width, height = image.size
    rings = [(led["x"] * width, led["y"] * height) for led in result["leds"]]
    spacing = min(math.dist(a, b) for a, b in zip(rings, rings[1:]))
    for before, ring in zip(upright["leds"], rings):  # each lit light's ring on the light it names, as placed upright
        if before["state"] != "on":  # (an unlit one's slot may lie on its printed name, upright too: a known fault)
            continue
        x, y = turned_place(before["x"], before["y"], turn)
        assert math.dist((x * width, y * height), ring) < 0.3 * spacing, (before, ring)


@needs_photos
@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("how", ["model", "names"])
def test_no_photo_as_held_is_read_from_the_other_end(name, how):
    """Upright, and turned 270° (its row then runs from the first light down): no row is read the other way round."""
    for turn in (0, 270):
        result = read(jpeg(uploaded(name).rotate(turn, expand=True)), told(name, how))
        assert "read_turned" not in result["quality"].get("advice", []), (turn, result["quality"])


def test_both_signs_are_needed_to_read_a_row_from_its_other_end():
    roles = ["power", "los", "pon", "lan"]
    cannot = ["off", "off", "on", "on"]  # POWER off beside lit lights; the other way round, POWER on
    sure = [True] * 4
    assert reader._from_other_end(cannot, sure, roles, 0.0, -1)
    assert not reader._from_other_end(cannot, sure, roles, 0.0, 0)  # the colours silent
    assert not reader._from_other_end(cannot, sure, roles, 0.0, 1)  # the colours fit the row as held
    assert not reader._from_other_end(cannot, sure, roles, reader.LAYOUT_SURE, -1)  # the layout fits it as held
    assert not reader._from_other_end(["on", "off", "on", "on"], sure, roles, 0.0, -1)  # as held it can be
    assert not reader._from_other_end(["off", "on", "on", "off"], sure, roles, 0.0, -1)  # neither way can
    # POWER's "off", or the one light lit, only in doubt by its own evidence (a pegboard hole, a faint spot): no sign
    assert not reader._from_other_end(cannot, [False, True, True, True], roles, 0.0, -1)
    assert not reader._from_other_end(["off", "off", "off", "on"], [True, True, True, False], roles, 0.0, -1)
    assert reader._from_other_end(cannot, [True, False, False, True], roles, 0.0, -1)  # one lit light for sure is enough


def test_an_upright_row_on_pegboard_holes_is_not_read_from_its_other_end():
    """Review r49: render 9132 (upright, as the phone sends it), its row placed along pegboard holes and its two lit
    lights; the holes, read "off" only in doubt, are no sign the row is the other way round (.38 first said
    "read_turned" with POWER "on" 0.96 on the LAN light)."""
    case = led_render.make_case(9132, "single")
    result = reader.read([reader.open_photo(bench_led.as_phone_sends(case["photos"][0]))], case["told"])
    assert "read_turned" not in result["quality"].get("advice", []), result
    wrong = [(led["label"], led["state"]) for led, truth in zip(result["leds"], case["truth"])
             if led["state"] in ("on", "off") and led["state"] != truth["state"]]
    assert wrong == [], result["leds"]


def test_a_turned_model_has_its_lights_last_first_and_their_places_mirrored():
    model = catalog.model("huawei-hg8245h")
    turned = reader._turned_model(model)
    assert [led["label"] for led in turned["leds"]] == [led["label"] for led in reversed(model["leds"])]
    places = [led["x"] for led in model["leds"]]
    assert [round(led["x"], 6) for led in turned["leds"]] == [round(places[0] + places[-1] - x, 6) for x in reversed(places)]
    assert model["leds"][0]["label"] != turned["leds"][0]["label"]  # the catalog's model is left as it was
    named = reader._turned_model(catalog.custom(["POWER", "LOS", "PON"]))
    assert [led["x"] for led in named["leds"]] == [None, None, None]


@needs_photos
def test_the_order_page_says_the_row_was_read_from_its_other_end(login, order_id, db):  # noqa: F811
    """Through the app: techa uploads panel_04 upside down as the phone sends it and checks its five named lights; the
    order page shows them read right and says how, not that the photo could hardly be read."""
    tech = login("techa")
    sha = upload(tech, jpeg(uploaded("panel_04.jpg").rotate(180)))
    phone = Phone(tech)
    labels = ",".join(led["label"] for led in truth("panel_04.jpg")["leds"])
    result = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": "turned-04",
                                                             "labels": labels, "capture": "photo",
                                                             "sha256": sha, "frames": 1})]).json["results"][0]
    assert result["status"] == "applied", result
    page = login("disp").get(f"/orders/{order_id}").text
    assert "已从这排灯的另一端读取（照片倒置、侧放或镜像，或灯名顺序相反）" in page
    assert "照片几乎无法读取" not in page


@needs_photos
@pytest.mark.parametrize("name", ["panel_02.jpg", "panel_04.jpg"])
def test_no_reading_says_power_off_beside_a_light_lit_for_sure(name):
    """Review r49: panel_04 under a green cast ×1.15 turned 180° read POWER "off" 0.94 beside a light "on" 0.96, a row
    that cannot be (a lit light says the unit has power) but was neither read the other way nor put in doubt; so did
    panel_02 and panel_04 cut at their last light and turned. "Off" on the power light is "no power" to the fault tree:
    where a light is read lit for sure, the power light is never "off" for sure (reader._power_contradicted)."""
    roles = [led["role"] for led in told(name, "names")["leds"]]
    base = uploaded(name)
    for gains in ((1.0, 1.0, 1.0), (0.9, 1.1, 0.9), (1.06, 1.0, 0.88)):
        for exposure in (1.0, 1.15):
            pixels = np.clip(np.asarray(base, np.float32) * np.array(gains, np.float32) * exposure, 0, 255)
            shown = Image.fromarray(pixels.astype(np.uint8))
            for cut in (False, True):
                if cut:  # the last light cut off at the frame's edge
                    ring = read(jpeg(shown), told(name, "names"))["leds"][-1]
                    shown = shown.crop((0, 0, int(ring["x"] * shown.width), shown.height))
                for turn in (0, 90, 180, 270):
                    result = read(jpeg(shown.rotate(turn, expand=True)), told(name, "names"))
                    states = [led["state"] for led in result["leds"]]
                    power_off = any(role == "power" and state == "off" for role, state in zip(roles, states))
                    assert not (power_off and ("on" in states or "blinking" in states)), (gains, exposure, cut, turn,
                                                                                          result["leds"])


@needs_photos
def test_names_typed_in_the_other_order_are_read_where_their_lights_are_and_said_so():
    """Review r49: panel_02 upright with its names typed right to left. Read as typed, ALARM (its leftmost name) would be
    its lit power light; the reader reads each name where the power light and the colours put it, and the advice says
    the names may have been typed in the other order (not only that the photo is turned)."""
    names = [led["label"] for led in truth("panel_02.jpg")["leds"]][::-1]
    result = read(jpeg(uploaded("panel_02.jpg")), catalog.custom(names))
    assert result["quality"]["advice"][0] == "read_turned", result["quality"]
    assert "other order" in reader.ADVICE["read_turned"]
    seen = {led["label"]: led["state"] for led in truth("panel_02.jpg")["leds"]}
    assert {led["label"]: led["state"] for led in result["leds"]} == seen, result["leds"]
