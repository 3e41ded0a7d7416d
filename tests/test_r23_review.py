"""Review r23 (a fresh reviewer, 2026-12-04) on the LED reader: the real panel_01 turned 180°, read as a named panel
(only its lights' names typed in), read LOS "on" 0.96 and PON "off" 0.92: a healthy ONT as a fibre fault. The row's
lights are evenly spaced and a named panel's lights may be any colour, so nothing said which end came first, and a
row across the photo was taken as held. Its lit lights' colours say it: a green light where the row puts LOS, and
LOS lights are red (catalog role "los"). Reader .33 keeps a named light's role colours as its `usual_colors`, which
tell the row's direction (reader._colour_direction) without limiting the colours read."""
import pytest
from PIL import Image

from tests.conftest import Phone
from tests.test_led import upload
from tests.test_led_uploaded import PHOTOS
from tests.test_sync import order_id  # noqa: F401  (fixture)
from tests.test_r12_review import MODELS, jpeg, uploaded
from tests.test_r20_review import read, told
from tests.test_r8_review import truth
from webapp.led import catalog

needs_photos = pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is beside the repository")


def decided_wrong(result, name):
    """The lights read on, off or flashing that a person reads otherwise: (label, read, confidence)."""
    return [(led["label"], led["state"], led["confidence"]) for led, seen in zip(result["leds"], truth(name)["leds"])
            if led["state"] != "unsure" and seen["state"] != "unknown" and led["state"] != seen["state"]]


@needs_photos
@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("turn", [90, 180, 270])
@pytest.mark.parametrize("how", ["model", "names"])
def test_a_photo_turned_over_reads_no_light_wrong(name, turn, how):
    result = read(jpeg(uploaded(name).rotate(turn, expand=True)), told(name, how))
    assert decided_wrong(result, name) == [], result


def test_a_named_panels_lights_keep_their_roles_usual_colours_and_may_show_any():
    model = catalog.custom(["POWER", "LOS", "PON", "LAN", "灯5"])
    assert [led["usual_colors"] for led in model["leds"]] == [["green"], ["red"], ["green"], ["green"], None]
    assert all(led["colors"] == list(catalog.COLORS) for led in model["leds"])


@needs_photos
@pytest.mark.parametrize("turn", [0, 180])
def test_a_photo_read_the_other_way_round_says_it_may_be_turned(turn):
    """The named panel_01 turned 180°: its LOS and PON unsure, and the reading says why and what to do ("turned":
    take it with the labels upright); upright, nothing is said."""
    result = read(jpeg(uploaded("panel_01.jpg").rotate(turn, expand=True)), told("panel_01.jpg", "names"))
    assert result["quality"]["ok"]
    assert ("turned" in result["quality"].get("advice", [])) == (turn == 180), result["quality"]
    if turn:
        assert [led["state"] for led in result["leds"]] == ["on", "unsure", "unsure", "on"]


@needs_photos
@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("how", ["model", "names"])
def test_no_upright_photo_is_said_to_be_turned(name, how):
    """Upright as the phone uploads them, and shrunk to 400 pixels (a small photo's colours are a few pixels: panel_03
    said "turned" there until small photos were left to "small_photo")."""
    for image, quality in ((uploaded(name), 85), (small(uploaded(name)), 90)):
        result = read(jpeg(image, quality), told(name, how))
        assert "turned" not in result["quality"].get("advice", []), result["quality"]


def small(image, side=400):
    image.thumbnail((side, side), Image.BILINEAR)  # as review r19's gallery copies
    return image


@needs_photos
def test_the_order_page_says_the_photo_may_be_turned(login, order_id, db):  # noqa: F811
    """Through the app: techa uploads panel_01 turned 180° as the phone sends it and checks its four named lights; the
    order page (the dispatcher's) shows LOS and PON unsure and what to do, not that the photo could hardly be read."""
    tech = login("techa")
    sha = upload(tech, jpeg(uploaded("panel_01.jpg").rotate(180)))
    phone = Phone(tech)
    result = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": "r23-turned",
                                                             "labels": "POWER,LOS,PON,LAN", "capture": "photo",
                                                             "sha256": sha, "frames": 1})]).json["results"][0]
    assert result["status"] == "applied", result
    page = login("disp").get(f"/orders/{order_id}").text
    assert "照片可能拍倒或拍横，部分灯看不准" in page
    assert "照片几乎无法读取" not in page
