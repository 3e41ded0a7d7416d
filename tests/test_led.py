"""Photo-assisted LED check: catalog, reader, hostile files, the command, and the check through sync."""
import hashlib
import io
import json
import math
import pathlib
import random
import struct
import uuid
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from tests import led_render
from tests.conftest import Phone
from tests.test_sync import order_id  # noqa: F401  (fixture)
from tests.test_uploads import Uploader
from webapp.led import catalog, checks, reader

PHOTOS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "led-photos"


# ---- the catalog ----

def test_the_catalog_has_the_models_the_issue_names_unverified_unless_checked_against_a_real_photo():
    ids = {m["id"] for m in catalog.models()}
    for wanted in ("huawei-hg8245h", "huawei-hg8546m", "huawei-eg8145v5", "zte-f660", "zte-f663n", "zte-f670l",
                   "fiberhome-an5506-04-f", "fiberhome-hg6145d", "nokia-g-140w-c", "tplink-archer-c6", "xiaomi-ax3000t"):
        assert wanted in ids and catalog.model(wanted)["verified"] is False
    truth = {t["file"]: t for t in json.loads((PHOTOS / "truth.json").read_text("utf-8"))}
    for model in catalog.models():
        assert model["source"]
        if model["verified"]:  # its layout is the real photo's, which its source names
            photo = next(f for f in truth if f in model["source"])
            assert [led["label"] for led in model["leds"]] == truth[photo]["labels_csv"].split(",")
        xs = [led["x"] for led in model["leds"]]
        assert xs[0] == 0 and xs[-1] == 1 and xs == sorted(xs) and len(set(xs)) == len(xs)
        for led in model["leds"]:
            assert led["role"], f"{model['id']} {led['label']} has no role"
            assert set(led["meanings"]) == {"off", "on", "blinking"}
            assert led["colors"] and set(led["colors"]) <= set(catalog.COLORS)
    # A real panel of the HG8546M's layout has evenly spaced lights, not groups (issue 18).
    xs = [led["x"] for led in catalog.model("huawei-hg8546m")["leds"]]
    assert max(b - a for a, b in zip(xs, xs[1:])) - min(b - a for a, b in zip(xs, xs[1:])) < 1e-3
    hg = catalog.model("huawei-hg8245h")
    assert [led["label"] for led in hg["leds"]][:3] == ["POWER", "PON", "LOS"]
    assert catalog.model("huawei-hg8245h")["leds"][2]["colors"] == ["red"]
    assert "LOID" in catalog.model("fiberhome-an5506-04-f")["leds"][1]["meanings"]["blinking"]["en"]


def test_labels_typed_for_an_unknown_model():
    assert catalog.parse_labels("POWER, PON，LOS LAN1") == ["POWER", "PON", "LOS", "LAN1"]
    for bad in ("", " , ", "A" * 13, ",".join(["L"] * 17), "POWER,<script>", None):
        with pytest.raises(catalog.LabelError):
            catalog.parse_labels(bad)
    custom = catalog.custom(["Power", "PON", "X1"])
    assert [led["role"] for led in custom["leds"]] == ["power", "pon", None]
    # Named in Chinese as units made for China print them (review r58); 电源 is the power light (domain reference H1)
    assert catalog.parse_labels("电源,光信号，网络 LAN1") == ["电源", "光信号", "网络", "LAN1"]
    assert [led["role"] for led in catalog.custom(["电源", "光信号"])["leds"]] == ["power", None]
    for bad in ("电源<", "电" * 13, "电源'--", "POWER,💡"):
        with pytest.raises(catalog.LabelError):
            catalog.parse_labels(bad)
    assert all(led["x"] is None and led["colors"] == list(catalog.COLORS) for led in custom["leds"])


def test_named_panels_know_which_question_each_light_answers():
    trees = catalog.label_trees()
    assert trees["POWER"] == "power" and trees["LOS"] == "los" and trees["ALARM"] == "los"
    assert trees["LAN3"] == "lan" and trees["INTERNET"] == "wan" and trees["USB"] is None


# ---- the reader on real photos (../shared/led-photos, lights read by eye) ----

def real_readings():
    truth = json.loads((PHOTOS / "truth.json").read_text("utf-8"))
    for photo in truth:
        model = catalog.custom(photo["labels_csv"].split(","))  # told only the names, as for a panel not in the catalog
        yield photo, reader.read([reader.open_photo((PHOTOS / photo["file"]).read_bytes())], model)


NOTHING_TO_LOCATE = {"panel_08.jpg"}  # hidden-until-lit lights, all off: no window shows (truth.json's notes)


def test_real_photos_a_person_reads_are_not_sent_back_and_lit_lights_are_never_read_off():
    for photo, result in real_readings():
        if photo["file"] in NOTHING_TO_LOCATE:
            continue
        assert result["quality"]["ok"], (photo["file"], result["quality"])
        for truth, led in zip(photo["leds"], result["leds"]):
            assert led["label"] == truth["label"]
            if truth["state"] == "on":
                assert led["state"] in ("on", "unsure"), (photo["file"], truth["label"], led)


def test_real_all_off_panels_read_off_or_unsure_never_lit():
    for photo, result in real_readings():
        if all(t["state"] == "off" for t in photo["leds"]):
            assert result["quality"]["ok"] or photo["file"] in NOTHING_TO_LOCATE, photo["file"]
            assert all(led["state"] in ("off", "unsure") for led in result["leds"]), (photo["file"], result["leds"])


def test_the_real_vertical_column_is_read_top_to_bottom():
    photo, result = next((p, r) for p, r in real_readings() if p["file"] == "panel_03.jpg")
    xs, ys = [led["x"] for led in result["leds"]], [led["y"] for led in result["leds"]]
    assert max(xs) - min(xs) < 0.1 and ys == sorted(ys) and ys[-1] - ys[0] > 0.1


def test_real_lights_read_right_when_decided_and_the_easy_rows_are_decided():
    """On the real photos a decided light (on or off, not unsure) is right; the straight-on
    photos with clear lights and windows (01, 02, 04, 06, 07) are mostly decided."""
    decided = 0
    for photo, result in real_readings():
        for truth, led in zip(photo["leds"], result["leds"]):
            if led["state"] != "unsure" and truth["state"] != "unknown":
                assert led["state"] == truth["state"], (photo["file"], truth["label"], led)
            if photo["file"] in {"panel_01.jpg", "panel_02.jpg", "panel_04.jpg", "panel_06.jpg", "panel_07.jpg"}:
                decided += led["state"] != "unsure"
    assert decided >= 18, decided  # of 24 lights


def test_real_lit_lights_read_in_their_colour_and_a_faint_one_is_not_called_white():
    """A lit light read lit is given its colour as a person sees it; panel_02's dim LAN, a faint
    colourless glow 3 grey levels above its case, was read "white" 0.8 (every colour allowed): it
    shows no colour of its own, so it takes the row's (_unseen_colours) and says it is unsure of it."""
    for photo, result in real_readings():
        for truth, led in zip(photo["leds"], result["leds"]):
            if led["state"] == "on" and truth["color"]:
                assert led["color"] == truth["color"], (photo["file"], truth["label"], led)
    faint = next(led for p, r in real_readings() if p["file"] == "panel_02.jpg" for led in r["leds"]
                 if led["label"] == "LAN")
    assert faint["state"] == "on" and faint["color_confidence"] <= reader.COLOUR_UNSEEN, faint
    row = [{"state": "on", "color": "green", "color_confidence": 1.0},
           {"state": "on", "color": None, "color_confidence": 0.0},
           {"state": "on", "color": None, "color_confidence": 0.0},
           {"state": "off", "color": None}]
    reader._unseen_colours(row, [["green"], ["green", "white"], ["red"], ["green"]])
    assert [(led["color"], led.get("color_confidence")) for led in row] == [
        ("green", 1.0), ("green", reader.COLOUR_UNSEEN), ("red", 0.4), (None, None)]


def test_a_light_lit_only_by_colour_is_lit_where_an_unlit_lens_of_its_colour_is_seen_colourless():
    """_colourless_lenses: a light read lit only by colour (no brighter than the panel: a dim LED,
    or an unlit lens of coloured plastic) is cleared by another light of its colour read off with
    its window seen and no colour at it; not by a lens of another colour, a faint window or a
    coloured one (the real panel_03's unlit ALARM lens shows lit evidence 0.95)."""
    def item(state, evidence, window):
        return {"state": state, "evidence": evidence, "window": window}
    green, red = ["green"], ["red"]
    row = [item("on", 2.5, 3.0), item("off", 0.1, 4.0), item("on", 6.0, 2.0)]
    assert reader._colourless_lenses(row, [green, green, green]) == [True, False, True]
    assert reader._colourless_lenses(row, [red, green, green]) == [False, False, True]  # a red LOS: no red lens beside
    faint = [item("on", 2.5, 3.0), item("off", 0.1, 0.1)]  # the unlit window is not seen
    assert reader._colourless_lenses(faint, [green, green]) == [False, False]
    tinted = [item("on", 2.5, 3.0), item("off", 0.95, 4.0)]  # the unlit lens shows colour itself
    assert reader._colourless_lenses(tinted, [green, green]) == [False, False]
    assert reader._colourless_lenses([item("on", 2.5, 3.0)], [green]) == [False]  # nothing beside it


def test_coloured_print_and_cables_do_not_outrank_the_lights():
    """The AT&T logo beside panel_03's column and the yellow fibre cords around panel_04 are
    colourful but give no light: the rows are placed on the lights."""
    readings = {p["file"]: r for p, r in real_readings()}
    column = readings["panel_03.jpg"]["leds"]
    assert all(led["x"] > 0.8 for led in column), column  # the column is at the right edge
    row = readings["panel_04.jpg"]["leds"]
    assert all(0.35 < led["y"] < 0.5 for led in row) and row[0]["x"] < row[-1]["x"], row  # under the labels


def clean_case(tilt, place, scale, model_id="zte-f660", lit=("POWER", "PON", "LAN2"), panel=(38, 38, 42), size=(1200, 900),
               hidden=False, window=20):
    """One clear photo of a panel, the row where `place` puts it and turned by `tilt` degrees; its unlit
    lenses `window` grey levels off the panel (0: a dark lens on a dark case shows nothing)."""
    model = catalog.model(model_id)
    c = led_render.conditions(random.Random(1))
    c.update(tilt=tilt, place=place, scale=scale, keystone=0.0, glare=False, light=0.9, panel=panel, blur=0.0004,
             noise=2.0, labels=True, hidden=hidden, vents=False, speckle=False, clutter="shelf", dim=False, window=window,
             exposure=1.0, lift=0.0, no_panel=False, led_gain=0.9)
    scene = led_render._Scene(model, c, size, 5)
    image = scene.frame([(i, led_render.HUES[led["colors"][0]], 0.9) for i, led in enumerate(model["leds"])
                         if led["label"] in lit], (0.0, 0.0), 77)  # each lit in a colour it can show (a red LOS)
    return model, [reader.open_photo(led_render.jpeg(image, 88))]


@pytest.mark.parametrize("tilt, place, scale", [(0, (0.1, 0.1), 0.5), (25, (0.8, 0.7), 0.6),
                                                (-35, (0.5, 0.5), 0.7),
                                                (-90, (0.2, 0.5), 0.6), (3, (0.5, 0.9), 0.3)])
def test_a_row_anywhere_in_the_frame_at_any_angle_is_found(tilt, place, scale):
    model, images = clean_case(tilt, place, scale)
    result = reader.read(images, model)
    assert result["quality"]["ok"], result["quality"]
    lit = {"POWER", "PON", "LAN2"}
    for led in result["leds"]:  # never a confident wrong reading: lit is never "off", dark never "on"
        assert led["state"] != ("off" if led["label"] in lit else "on"), led
    leaning_on = {led["label"] for led in result["leds"] if led.get("lean", led["state"]) == "on"}
    assert leaning_on & lit, result["leds"]  # the lit lights were found


def read_beside_cables(model, lit, panel, colours, size):
    """(where the lights were drawn, the reading) of a panel with four 12-pixel cables of `colours` below it."""
    c = led_render.conditions(random.Random(1))
    c.update(tilt=4, place=(0.45, 0.2), scale=0.55, keystone=0.0, glare=False, light=0.9, panel=panel,
             blur=0.0004, noise=2.0, labels=True, hidden=False, vents=False, speckle=False, clutter="plain", dim=False,
             window=20, exposure=1.0, lift=0.0, no_panel=False, led_gain=0.9)
    scene = led_render._Scene(model, c, size, 5)
    image = scene.frame([(i, led_render.HUES[led["colors"][0]], 0.9) for i, led in enumerate(model["leds"])
                         if led["label"] in lit], (0.0, 0.0), 77)  # each lit in a colour it can show (a red LOS)
    draw = ImageDraw.Draw(image)
    for (x0, y0, angle), colour in zip([(60, 520, 20), (300, 880, -68), (700, 420, 160), (1150, 560, 200)], colours):
        x1, y1 = x0 + 900 * math.cos(math.radians(angle)), y0 - 900 * math.sin(math.radians(angle))
        draw.line([(x0, y0), (x1, y1)], fill=colour, width=12)
    where = scene.where()
    assert max(y for _, y in where) < 380  # the cables stay below the panel
    return where, reader.read([reader.open_photo(led_render.jpeg(image, 88))], model)


@pytest.mark.parametrize("model_id, lit", [("zte-f660", ("POWER", "PON", "LAN2")), ("huawei-hg8245h", ("POWER", "PON"))])
def test_cables_across_the_frame_do_not_take_the_row_from_the_lights(model_id, lit):
    """Fibre cords and network cables (yellow, green, blue, a few pixels wide at the coarse
    scales) at angles between the spot test's eight directions: a cable scored as a chain of
    lit spots all along it and the row was fitted to the cable (on the renders, the commonest
    way a row was misplaced). The row must be placed on the lights: every light within 0.6 of
    the lights' closest spacing of where it was drawn (the same photo without cables is placed
    within 0.46; a row fitted to a cable was 1–13 spacings off), and the lit lights read lit."""
    model = catalog.model(model_id)
    size = (1200, 900)
    where, result = read_beside_cables(model, lit, (38, 38, 42),
                                       [(230, 200, 40), (60, 170, 70), (40, 90, 200), (230, 200, 40)], size)
    assert result["quality"]["ok"], result["quality"]
    spacing = min(math.dist(a, b) for a, b in zip(where, where[1:]))
    for led, (x, y) in zip(result["leds"], where):
        assert math.dist((led["x"] * size[0], led["y"] * size[1]), (x, y)) <= 0.6 * spacing, (led, (x, y))
        assert led.get("lean", led["state"]) == ("on" if led["label"] in lit else "off"), led


@pytest.mark.parametrize("panel", [
    pytest.param((38, 38, 42), marks=pytest.mark.xfail(
        reason="not fixed (h6): a cable's window spots outrank faint lenses; a check of windows along axes "
               "fixed these and broke rows of small lenses (see bench/README.md)", strict=False)),
    (236, 236, 232),  # placed right since h15: a row turned off its lit lights is turned back (_lens_row)
])
def test_grey_and_black_cables_do_not_take_the_row_from_the_lights_windows(panel):
    """Network cables and power leads (black, grey, white: no colour, so not lit spots) at
    angles between the spot test's eight directions: lighter or darker than the wall all along
    them, they score as a chain of windows (unlit lenses) and the row's unlit lights are
    fitted half-way between the panel and a cable (main's and h5's readers: 0.5–0.6 of a
    spacing off). Wanted: every light within 0.3 of the lights' closest spacing of where it
    was drawn (as bench_led counts a row placed right) and the lit lights leaning on."""
    model = catalog.model("zte-f660")
    lit = ("POWER", "PON")
    size = (1200, 900)
    where, result = read_beside_cables(model, lit, panel, [(200, 200, 195), (25, 25, 25), (235, 235, 230), (25, 25, 25)], size)
    assert result["quality"]["ok"], result["quality"]
    spacing = min(math.dist(a, b) for a, b in zip(where, where[1:]))
    for led, (x, y) in zip(result["leds"], where):
        assert math.dist((led["x"] * size[0], led["y"] * size[1]), (x, y)) <= 0.3 * spacing, (led, (x, y))
        assert led.get("lean", led["state"]) == ("on" if led["label"] in lit else "off"), led


def placed_right(case, result):
    """Every light read within 0.3 of the drawn spacing of where the renderer drew it (bench_led.Tally)."""
    width, height = Image.open(io.BytesIO(case["photos"][0])).size
    spacing = min(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 for (ax, ay), (bx, by) in zip(case["where"], case["where"][1:]))
    return all(((led["x"] * width - x) ** 2 + (led["y"] * height - y) ** 2) ** 0.5 <= 0.3 * spacing
               for led, (x, y) in zip(result["leds"], case["where"]))


# Dev renders (seeds 5000–5399, never the benchmark's) whose rows main's reader placed on the
# right line with the wrong span: 5010 and 5083, long catalog rows in groups whose lit lights
# bloom into coarse spots closer than 3.5 of their radii (every right placement was refused, and
# a placement from two coarse spots missed the others until refined by least squares); 5109, a
# five-light row whose longer placement left its first lit light just beyond its end, on vent holes.
@pytest.mark.parametrize("seed", [5010, 5083, 5109])
def test_the_slots_are_placed_on_the_lights_with_the_right_span(seed):
    case = led_render.make_case(seed, "single")
    result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
    assert result["quality"]["ok"], result["quality"]
    assert placed_right(case, result), [(led["x"], led["y"]) for led in result["leds"]]


# Dev renders (seeds 5000–5399 and 6000–6239) whose rows reader .28 placed off the lights, every light
# read unsure: 5324, twelve slots squeezed onto the first five lights of a panel on pegboard, along a
# line a few degrees off the row through a hole; 6117 alike. Reader .29 fits the slots again along
# the line through them (_line_through).
@pytest.mark.parametrize("seed", [5324, 6117])
def test_the_slots_are_fitted_again_along_the_line_through_them(seed):
    case = led_render.make_case(seed, "single")
    result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
    assert result["quality"]["ok"], result["quality"]
    assert placed_right(case, result), [(led["x"], led["y"]) for led in result["leds"]]
    read = [led["state"] for led in result["leds"]]
    assert read == [truth["state"] for truth in case["truth"]], read


# Dev render 5153: a column with POWER lit and a blue cable's bend beside PON. A try (not kept) that
# counted lit spots left unexplained against a row drew it across the cables, read for sure with PON
# "on"; whatever the row, no light of this photo is read wrong for sure.
def test_a_cable_bend_beside_a_column_reads_no_light_wrong():
    case = led_render.make_case(5153, "single")
    result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
    wrong = [(truth["state"], led["state"]) for truth, led in zip(case["truth"], result.get("leds", []))
             if led["state"] != "unsure" and led["state"] != truth["state"]]
    assert not wrong, wrong


def assert_not_sent_back_far(framed, name):
    """Read the real photo `name` as `framed` (sent as the phone does: 2048 px, JPEG 85); not "too_far" or "no_panel"."""
    framed.thumbnail((2048, 2048), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    framed.save(out, "JPEG", quality=85)
    labels = {p["file"]: p["labels_csv"] for p in json.loads((PHOTOS / "truth.json").read_text("utf-8"))}
    result = reader.read([reader.open_photo(out.getvalue())], catalog.custom(labels[name].split(",")))
    assert result["quality"]["problems"] not in (["too_far"], ["no_panel"]), result["quality"]


def read_placed_right(seed, faint_lenses=False):
    """(case, reading) of the dev render `seed` (a single photo), asserting it was read and its row placed right;
    `faint_lenses` as led_render.conditions."""
    case = led_render.make_case(seed, "single", faint_lenses=faint_lenses)
    result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
    assert result["quality"]["ok"], result["quality"]
    assert placed_right(case, result), [(led["x"], led["y"]) for led in result["leds"]]
    return case, result


# Dev renders (seeds 5000–5399) whose rows main's reader placed beside the lights, along their printed
# labels, 0.3–0.5 of a spacing off (issue 18, rows misplaced "on labels"): the labels' letters outscore
# the unlit lights' faint lenses, and the lit lights, half a spacing beside the slots, were not pinned.
# 5015: twelve lights, three lit, all read unsure; 5175: seven lights, four lit, one read.
@pytest.mark.parametrize("seed", [5015, 5175])
def test_a_row_run_along_the_labels_beside_its_lit_lights_is_moved_onto_them(seed):
    case, result = read_placed_right(seed)
    for truth, led in zip(case["truth"], result["leds"]):
        assert led["state"] in (truth["state"], "unsure"), (truth, led)
    assert sum(led["state"] == "on" for led in result["leds"]) == sum(t["state"] == "on" for t in case["truth"])


# Dev renders (seeds 5000–5399) whose rows main's reader places along cables or on pegboard (issue 18, the biggest kind
# of misplaced rows, h46): no placement on any of the 200 best lines puts every light right (bench/README, 2026-12-02
# h46). 5231, cables, 13 unlit lights: 12 windows among the spots, ranked 73–105 of 120, none among the ANCHORS (24)
# every line passes through. 5037, pegboard: its 4 lit lights are the 4 strongest spots, its 2 unlit ones none. (Drawn
# with the lenses as faint as they were then: with lenses as real ones photograph, 5231 is placed right.)
@pytest.mark.xfail(strict=True, reason="no line tried places every light (h46): candidates, not ranking")
@pytest.mark.parametrize("seed", [5231, 5037])
def test_a_row_is_placed_on_the_lights_not_along_cables_or_on_pegboard(seed):
    read_placed_right(seed, faint_lenses=True)


def test_a_placement_is_refined_through_every_spot_on_its_slots():
    """Two coarse spots a fifth of a spacing off set a placement; the spots on its other slots pull it right."""
    slots = np.array([0.0, 0.075, 0.149, 0.284, 0.358, 0.433, 0.507, 0.642, 0.716, 0.851, 0.925, 1.0])
    truth = 100.0 + 900.0 * slots
    t = truth + np.array([0.0, 2, -2, 1, -1, 0, 2, -2, 1, -1, 0, 0])  # where the spots' peaks fell
    t[0], t[-1] = truth[0] - 12.0, truth[-1] + 14.0  # the two that set the placement, off by ~0.2 spacing
    value = np.full(len(t), 3.0)
    pos = (t[0] + (t[-1] - t[0]) * slots)[None, :]  # one placement
    spacing = np.array([(t[-1] - t[0]) * 0.07])
    distance = np.abs(pos[:, :, None] - t[None, None, :])
    refined, first, span, ok = reader._refine(pos, slots, t, value, distance <= 0.22 * spacing[0], distance, spacing,
                                              0.07)
    assert ok[0]
    refined, pos = refined[0], pos[0]
    assert np.abs(refined - truth).max() < 0.1 * 900 * 0.07
    assert np.abs(refined - truth).max() < 0.5 * np.abs(pos - truth).max()


def test_a_small_photo_is_not_called_blurred_and_reads_like_the_large_one():
    model, images = clean_case(2, (0.5, 0.5), 0.7)
    large = reader.read(images, model)
    small = reader.read([images[0].resize((images[0].width * 3 // 8, images[0].height * 3 // 8))], model)
    assert large["quality"]["ok"] and small["quality"]["ok"], small["quality"]
    lit = {"POWER", "PON", "LAN2"}
    for led in small["leds"]:
        assert led["state"] != ("off" if led["label"] in lit else "on"), led


def test_white_labels_on_a_black_case_are_not_lights():
    model, images = clean_case(0, (0.5, 0.5), 0.8, lit=())
    result = reader.read(images, model)
    assert not result["quality"]["ok"] or all(led["state"] in ("off", "unsure") for led in result["leds"])


@pytest.mark.parametrize("panel", [(236, 236, 232), (22, 22, 24)])
def test_hidden_until_lit_lights_all_dark_are_never_a_confident_all_off(panel):
    """No window shows when such a panel is dark: "all off" (no power, to the fault tree)
    cannot be seen, so the lights are unsure or the photo is retaken."""
    model, images = clean_case(0, (0.5, 0.5), 0.7, lit=(), panel=panel, hidden=True)
    result = reader.read(images, model)
    assert not result["quality"]["ok"] or all(led["state"] == "unsure" for led in result["leds"]), result["leds"]


@pytest.mark.parametrize("panel", [(22, 22, 24), (38, 38, 42)])
def test_a_dark_light_between_two_lit_ones_is_off_even_when_its_lens_does_not_show(panel):
    """Its place is fixed by the lit lights on both sides; outside them nothing shows a light is there."""
    model, images = clean_case(0, (0.5, 0.5), 0.7, lit=("PON", "LAN2"), panel=panel, hidden=True)
    leds = {led["label"]: led for led in reader.read(images, model)["leds"]}
    assert [leds[k]["state"] for k in ("PON", "LOS", "LAN1", "LAN2")] == ["on", "off", "off", "on"], leds
    assert leds["LOS"]["window"] < reader.WINDOW_SEEN and leds["LAN1"]["window"] < reader.WINDOW_SEEN  # unseen lenses
    assert leds["POWER"]["state"] == "unsure" and leds["POWER"]["lean"] == "off", leds["POWER"]  # before the first lit one


@pytest.mark.parametrize("panel", [(22, 22, 24), (38, 38, 42)])
def test_a_dark_light_beyond_two_lit_ones_is_off_even_when_its_lens_does_not_show(panel):
    """POWER is one step before PON and LOS, both seen lit: the row runs on to it at its spacing, so its
    place is fixed and its lens, dark on a dark case, showing nothing is no doubt. USB, after WPS lit
    and WLAN's unseen lens, has only one neighbour seen: nothing says a light is there. (A power light off beside
    lit lights cannot be, reader._power_contradicted: so the first light is read here as one with no power role; the
    catalog's POWER there is unsure, leaning off.)"""
    model, images = clean_case(0, (0.5, 0.5), 0.7, lit=("PON", "LOS", "LAN1", "WPS"), panel=panel, window=0)
    no_role = {**model, "leds": [{**led, "role": None} if led["role"] == "power" else led for led in model["leds"]]}
    leds = {led["label"]: led for led in reader.read(images, no_role)["leds"]}
    assert [leds[k]["state"] for k in ("POWER", "PON", "LOS", "LAN1", "LAN2", "WPS")] == ["off", "on", "on", "on", "off", "on"], leds
    assert leds["POWER"]["window"] < reader.WINDOW_SEEN and leds["WLAN"]["window"] < reader.WINDOW_SEEN  # unseen lenses
    assert leds["USB"]["state"] == "unsure" and leds["USB"]["lean"] == "off", leds["USB"]
    power = reader.read(images, model)["leds"][0]
    assert power["label"] == "POWER" and power["state"] == "unsure" and power["lean"] == "off", power


def test_a_slot_is_placed_by_its_neighbours_only_where_two_beside_it_are_seen():
    """Slots 0-6: lit for sure at 2, 3 and 6, a window seen at 4 (read off), nothing seen at 0, 1, 5. Slot 1
    has 2 and 3 seen on one side, 5 has 4 and 3; 0 has 1 (unseen) and 2; 6 has 5 (unseen) and 4. Slot 3
    (seen on neither side two deep) lies between pinned 2 and 6: fixed in a single photo, not in a burst.
    A row placed in doubt, or pinned by one light, fixes nothing."""
    def item(state, window):
        return {"state": state, "window": window}
    out = [item("off", 0.0), item("off", 0.0), item("on", 9.0), item("on", 9.0), item("off", 2.0), item("off", 0.1),
           item("on", 9.0)]
    stated = [0.9, 0.9, 0.97, 0.97, 0.95, 0.9, 0.97]
    assert reader._placed_by_neighbours(out, stated, True, single=True) == [False, True, True, True, True, True, False]
    assert reader._placed_by_neighbours(out, stated, True, single=False) == [False, True, True, False, True, True, False]
    assert reader._placed_by_neighbours(out, stated, False) == [False] * 7
    one = [0.9, 0.9, 0.97, 0.5, 0.95, 0.9, 0.5]  # only slot 2 lit for sure
    assert reader._placed_by_neighbours(out, one, True) == [False] * 7


def test_a_photo_without_a_row_of_lights_is_a_retake_never_all_off():
    wall = Image.new("RGB", (1200, 900), (180, 170, 160))
    ImageDraw.Draw(wall).rectangle([100, 500, 900, 560], fill=(120, 110, 100))
    result = reader.read([reader.open_photo(jpeg_bytes(wall, quality=90))], catalog.model("zte-f660"))
    assert result["quality"]["ok"] is False and result["leds"] == [] and result["quality"]["problems"]
    assert all(code in reader.RETAKE for code in result["quality"]["problems"])


def test_a_plain_wall_is_no_panel_however_the_phone_encodes_it():
    """A speckled wall (no panel) as drawn, and re-encoded at 0.85 as the phone re-encodes every photo
    (offline/photos.js): both "no row of lights found", never "blurred" or "too far" from JPEG speckle."""
    rng = random.Random(1)
    wall = Image.new("RGB", (1600, 1200), (200, 190, 170))
    pixels = wall.load()
    for _ in range(20000):
        pixels[rng.randrange(1600), rng.randrange(1200)] = (180, 170, 150)
    for quality in (92, 85):
        result = reader.read([reader.open_photo(jpeg_bytes(wall, quality=quality))], catalog.model("zte-f6005"))
        assert result["quality"]["problems"] == ["no_panel"], (quality, result["quality"])

def test_a_burst_tells_blinking_from_steady():
    model = catalog.model("huawei-hg8245h")
    c = led_render.conditions(random.Random(2), burst=True)
    c.update(tilt=2.0, place=(0.5, 0.5), scale=0.9, keystone=0.0, glare=False, light=0.9, panel=(236, 236, 232),
             blur=0.0004, noise=2.0, hidden=False, vents=False, clutter="plain", dim=False, window=20, led_gain=0.9)
    scene = led_render._Scene(model, c, (800, 320), 3)
    frames = [reader.open_photo(led_render.jpeg(scene.frame(
        [(0, led_render.HUES["green"], 0.9)] + ([(1, led_render.HUES["green"], 0.9)] if (n // 5) % 2 else []),
        (0.0, 0.0), n), 88)) for n in range(30)]
    result = reader.read(frames, model)
    assert result["quality"]["ok"] and result["steady_known"]
    states = {led["label"]: led["state"] for led in result["leds"]}
    assert states["POWER"] in ("on", "unsure") and states["PON"] in ("blinking", "unsure") and states["LOS"] != "on"
    single = reader.read(frames[:1], model)
    assert single["steady_known"] is False and {led["state"] for led in single["leds"]} <= {"on", "off", "unsure"}



@pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is not here")
def test_a_burst_whose_frames_do_not_show_one_scene_is_a_retake_not_flashing():
    """A burst is one scene held still for 3 seconds (its lights may flash, the hand shakes a little). Frames of
    two panels, of a panel panned by 3 % of the frame or turned 15°, or of different sizes are sent back ("moved")
    with a message that says what to do; the same panel held still, or drifting by 1 %, is read."""
    def photo(name):
        return Image.open(PHOTOS / name).convert("RGB")

    def framed(image, left):  # the phone pointed `left` (a fraction of the long side) further right
        side = max(image.size)
        shift = round(left * side)
        return reader.open_photo(jpeg_bytes(image.crop((shift, 0, image.width - round(0.04 * side) + shift,
                                                        image.height)), quality=90))
    panel_01, panel_02 = photo("panel_01.jpg"), photo("panel_02.jpg")
    model = catalog.custom(catalog.parse_labels("POWER,LOS,PON,LAN"))
    still = [framed(panel_01, left) for left in (0.0, 0.005, 0.01, 0.005, 0.0, 0.01)]
    hostile = {
        "two panels": [framed(panel_01, 0.0), framed(panel_02.resize(panel_01.size), 0.0)] * 3,
        "panned 3 %": [framed(panel_01, 0.0)] * 3 + [framed(panel_01, 0.03)] * 3,
        "turned 15°": [framed(panel_01, 0.0)] * 3 + [framed(panel_01.rotate(15, resample=Image.Resampling.BILINEAR), 0.0)] * 3,
        "two sizes": [framed(panel_01, 0.0), framed(panel_01.crop((0, 0, panel_01.height, panel_01.height)), 0.0)],
    }
    read = reader.read(still, model)
    assert read["quality"]["ok"], read["quality"]
    assert {led["label"]: led["state"] for led in read["leds"]}["POWER"] == "on"
    for kind, frames in hostile.items():
        result = reader.read(frames, model)
        assert result["quality"]["problems"] == ["moved"] and result["leds"] == [], (kind, result["quality"])
    assert "hold it still" in reader.RETAKE["moved"]
    rendered = read_case(led_render.make_case(11, "burst", model_id="huawei-hg8546m"))  # a hand's drift, lights flashing
    assert rendered["quality"]["ok"], rendered["quality"]

@pytest.mark.parametrize("kind", led_render.BAD_KINDS)
def test_each_kind_of_bad_photo_is_sent_back_with_a_reason(kind):
    caught = 0
    for seed in range(5):
        result = read_case(led_render.make_case(300 + seed, "single", bad=kind, model_id="huawei-hg8546m"))
        caught += not result["quality"]["ok"]
        assert result["quality"]["ok"] or result["leds"] == [], kind
        assert all(code in reader.RETAKE for code in result["quality"]["problems"])
    assert caught >= 3, (kind, caught)


@pytest.mark.parametrize("scale", [0.04, 0.065])
@pytest.mark.parametrize("panel", [(38, 38, 42), (236, 236, 232)])
def test_a_panel_too_far_away_is_sent_back_as_too_far_at_any_size(scale, panel):
    """A row spanning 3–5 % of the frame is a retake that says "move closer", in a 1200×900
    photo and the same photo at half size (issue 18: judged in fractions of the frame)."""
    model, images = clean_case(0, (0.5, 0.5), scale, panel=panel)
    half = [images[0].resize((images[0].width // 2, images[0].height // 2))]
    for photo in (images, half):
        result = reader.read(photo, model)
        assert not result["quality"]["ok"] and result["quality"]["problems"] == ["too_far"], result["quality"]


@pytest.mark.parametrize("seed", [6012, 6021])
def test_a_panel_too_far_seen_whole_as_one_small_box_is_too_far_though_the_row_was_placed_on_clutter(seed):
    """Renders of dev seeds whose too-far panel (a box a few percent of the frame) is the frame's
    strongest spot while the row was placed elsewhere and read all unsure (main's .15 read them
    so): a retake "too_far" (_far_panel), not a row of unsure lights."""
    case = led_render.make_case(seed, "single", bad="too_far")
    result = read_case(case)
    assert result["quality"]["problems"] == ["too_far"], result["quality"]


@pytest.mark.parametrize("seed", [5024, 5134])
def test_a_panel_too_far_seen_as_a_box_second_among_the_spots_or_finer_is_too_far(seed):
    """Renders of dev seeds whose too-far panel (a box 3–6 % of the frame on a plain wall) is the frame's
    second strongest spot, or seen at the finer of the two coarsest levels, while the row was placed on
    something else and read all unsure (main's .20 read them so): a retake "too_far" (_far_panel,
    FAR_PANEL_FINE)."""
    case = led_render.make_case(seed, "single", bad="too_far")
    assert case["conditions"]["clutter"] == "plain"
    result = read_case(case)
    assert result["quality"]["problems"] == ["too_far"], result["quality"]


@pytest.mark.parametrize("factor", [3.0, 4.5])
@pytest.mark.parametrize("name", [f"panel_0{n}.jpg" for n in range(1, 9)])
def test_a_real_panel_a_sixth_to_a_quarter_of_the_frame_is_still_read(name, factor):
    """Each real photo in the middle of a plain grey border `factor` times its size (its panel then 15–30 % of the
    frame, which issue 18 asks the reader to read), as the phone uploads it (2048 pixels, JPEG 85): never sent back
    as too far or as no panel. (h41's first _far_panel took panel_05's green fibre connector, second among the spots
    at 3×, for the far panel: aspect 3.2, fill 0.67.)"""
    photo = ImageOps.exif_transpose(Image.open(PHOTOS / name)).convert("RGB")
    framed = Image.new("RGB", (int(photo.width * factor), int(photo.height * factor)), (128, 124, 118))
    framed.paste(photo, ((framed.width - photo.width) // 2, (framed.height - photo.height) // 2))
    assert_not_sent_back_far(framed, name)


def _busy_border(size, seed=1):
    """A grey wall `size` (width, height) with eight cables across it (as led_render draws them)."""
    rng = random.Random(seed)
    border = Image.new("RGB", size, (128, 124, 118))
    draw = ImageDraw.Draw(border)
    for _ in range(8):
        colour = rng.choice([(230, 200, 40), (40, 90, 200), (60, 170, 70), (25, 25, 25), (235, 235, 230)])
        draw.line([(rng.uniform(0, size[0]), rng.uniform(0, size[1])) for _ in range(4)], fill=colour,
                  width=int(0.012 * size[0]), joint="curve")
    return border


@pytest.mark.parametrize("alter", ["busy3", "busy4.5", "crop0.8"])
@pytest.mark.parametrize("name", [f"panel_0{n}.jpg" for n in range(1, 9)])
def test_a_real_panel_in_a_busy_border_or_cropped_close_is_still_read(name, alter):
    """Each real photo in the middle of a border of cables 3 or 4.5 times its size (its panel 15-30 % of the frame),
    or cropped to 80 % of it about its middle (the panel 60-100 % of the frame), as the phone uploads it: never
    sent back as too far or no panel. Most read all unsure: a rule that sends back rows read all unsure for what
    the frame lacks must keep these (h48's _panel_body, taken back: panel_01's case under a shadow fills only half
    its box, panel_02's vent grille perforates it). (At 60 % main's .23 sends panel_03's crop back as over-exposed
    and panel_07's as too far.)"""
    photo = ImageOps.exif_transpose(Image.open(PHOTOS / name)).convert("RGB")
    if alter.startswith("busy"):
        factor = float(alter[4:])
        framed = _busy_border((int(photo.width * factor), int(photo.height * factor)))
        framed.paste(photo, ((framed.width - photo.width) // 2, (framed.height - photo.height) // 2))
    else:
        share = float(alter[4:])
        left, top = int(photo.width * (1 - share) / 2), int(photo.height * (1 - share) / 2)
        framed = photo.crop((left, top, photo.width - left, photo.height - top))
    assert_not_sent_back_far(framed, name)


def test_a_box_the_size_of_a_far_panel_is_too_far_only_when_it_is_long_bounded_and_stands_out():
    """_far_panel's shape test on drawn frames: a dark box 6 % of the long side, 3 times as long
    as wide, on a plain wall is the panel seen whole; a square, a box as long as the frame and a
    faint box are not."""
    def frame(w, h, level=40.0):
        lum = np.full((750, 1000), 150.0, np.float32)
        lum[375 - h // 2:375 + h // 2, 500 - w // 2:500 + w // 2] = level
        return lum
    def spot():
        return reader._Spot(500.0, 375.0, reader.LEVELS - 1, 0.0, reader.WIN_CAP)
    assert reader._far_panel([spot()], frame(60, 20), 1000)
    assert not reader._far_panel([spot()], frame(30, 30), 1000)  # a square: a knob, a window
    assert not reader._far_panel([spot()], frame(1000, 20), 1000)  # a shelf's edge across the frame
    assert not reader._far_panel([spot()], frame(60, 20, 140.0), 1000)  # hardly stands out
    assert not reader._far_panel([reader._Spot(500.0, 375.0, reader.LEVELS - 1, 2.0, reader.WIN_CAP)],
                                 frame(60, 20), 1000)  # a lit spot is a light, not a panel


@pytest.mark.parametrize("seed", [6012, 6027])
def test_a_photo_of_pegboard_alone_is_no_panel_though_a_row_was_placed_on_its_holes(seed):
    """Renders of dev seeds with no panel in front of pegboard: main's .15 placed a row on the holes
    and read it all unsure; the frame is holes from edge to edge (_holes_everywhere): "no_panel"."""
    case = led_render.make_case(seed, "single", bad="no_panel")
    assert case["conditions"]["clutter"] == "pegboard"
    result = read_case(case)
    assert result["quality"]["problems"] == ["no_panel"], result["quality"]


@pytest.mark.parametrize("seed", [7004, 7049, 7055])
def test_a_panel_a_few_holes_long_on_pegboard_is_too_far_though_a_row_was_placed_on_the_holes(seed):
    """Fresh too-far renders on pegboard (dev seeds): .29 placed a row on the holes and read it all unsure ("unsure"
    advice, a reading). The panel hides only a few holes of the lattice, less than a row one could read would
    (_lattice_hidden, HIDDEN_SPAN); the holes in the board's shaded corner are holes too (HOLE_DEPTH). h55."""
    case = led_render.make_case(seed, "single", bad="too_far")
    assert case["conditions"]["clutter"] == "pegboard"
    assert read_case(case)["quality"]["problems"] == ["too_far"]


def test_a_printed_word_on_a_real_white_case_is_no_panel_too_far_away():
    """The real panel_06 brightened 1.3×: its printed "Power" is the frame's strongest spot, a dark
    box 7 % of the frame long once blurred, but its letters fill under half of it (_far_panel)."""
    photo = reader.open_photo((PHOTOS / "panel_06.jpg").read_bytes())
    brighter = Image.fromarray(np.clip(np.asarray(photo, np.float32) * 1.3, 0, 255).astype(np.uint8))
    labels = {p["file"]: p["labels_csv"] for p in json.loads((PHOTOS / "truth.json").read_text("utf-8"))}
    result = reader.read([brighter], catalog.custom(labels["panel_06.jpg"].split(",")))
    assert result["quality"]["problems"] not in (["too_far"], ["no_panel"]), result["quality"]


def test_a_frame_of_holes_from_edge_to_edge_shows_no_panel_and_a_panel_in_front_of_them_does():
    """_lattice_hidden on drawn frames: pegboard (dark holes on a 30-pixel pitch) filling the frame
    is no panel; the same pegboard with a panel 20 % of the frame wide in front of it, or a plain
    wall, is not (the rule never judges a frame without such a lattice); with a panel 5 % of the frame
    wide in front of it, hiding two holes, the panel is too far, and one 11 % wide, hiding four in a row,
    is not (h55; benchmark seed 1269, held out, had read a row of pegboard holes all unsure, "cut_off"). A strip
    in front of half of a column of holes is a panel too."""
    def pegboard(panel=None):
        lum = np.full((750, 1000), 170.0, np.float32)
        for y in range(15, 750, 30):
            for x in range(15, 1000, 30):
                cv2.circle(lum, (x, y), 4, 50.0, -1)
        if panel:
            (x0, y0), (x1, y1) = panel
            lum[y0:y1, x0:x1] = 40.0
        return lum
    assert reader._lattice_hidden(pegboard()) == "no_panel"
    assert reader._lattice_hidden(pegboard(((400, 300), (600, 380)))) is None
    assert reader._lattice_hidden(np.full((750, 1000), 170.0, np.float32)) is None
    assert reader._lattice_hidden(pegboard(((485, 335), (535, 355)))) == "too_far"
    assert reader._lattice_hidden(pegboard(((455, 335), (565, 355)))) is None
    # a strip narrower than the pitch, 30 % of the frame long, over one half of a column of holes: the halves left
    # are not holes seen (HOLE_WHOLE; benchmark seed 1022, held out, a good photo had been sent back as no panel)
    assert reader._lattice_hidden(pegboard(((495, 200), (512, 500)))) is None


@pytest.mark.parametrize("factor", [1.0, 0.25])
def test_a_row_a_few_percent_of_the_frame_long_is_too_far_whatever_the_resolution(factor):
    """The row's span and where the frame's spots are, both in fractions of the frame."""
    long_side = 1000 * factor
    def row(span):
        return np.array([(500 * factor + span * factor * k / 4, 400 * factor) for k in range(5)])
    def spots(points):
        return [reader._Spot(float(x), float(y), 0, 1.0, 1.0) for x, y in points]
    tiny = row(40)
    assert reader._row_too_small(tiny, spots(tiny), long_side)
    assert not reader._row_too_small(row(150), spots(row(150)), long_side)
    clutter = spots(tiny) + spots([(50 * factor + 80 * factor * k, 700 * factor) for k in range(10)])
    assert not reader._row_too_small(tiny, clutter, long_side)  # a small row among clutter: not told apart


def test_a_glare_that_hides_every_light_is_over_exposed():
    """Glare over part of the frame (under the 15 % that is always a retake) that leaves no light
    decided is a retake naming the glare, not a reading of nothing but "unsure"."""
    named = 0
    for seed in range(400, 410):
        result = read_case(led_render.make_case(seed, "single", bad="over_exposed"))
        named += result["quality"]["problems"] == ["over_exposed"]
    assert named >= 8, named


def read_case(case):
    return reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])


def test_on_the_labelled_set_a_lit_light_is_rarely_read_off_and_confidence_is_not_overstated():
    """The benchmark runs the full set; this slice checks what the technician relies on."""
    lit_read_off, lit, stated, right = 0, 0, [], []
    for case in led_render.labelled_set(21, start=5000):
        if case["bad"]:
            continue
        result = read_case(case)
        for truth, led in zip(case["truth"], result["leds"]):
            lit += truth["state"] != "off"
            lit_read_off += truth["state"] != "off" and led["state"] == "off"
            if led["state"] != "unsure":
                stated.append(led["confidence"])
                right.append(truth["state"] == led["state"])
    assert lit_read_off <= 0.05 * lit, (lit_read_off, lit)
    if stated:  # a decided light is right at least about as often as the reader says
        assert sum(right) / len(right) >= sum(stated) / len(stated) - 0.1, (sum(right) / len(right), sum(stated) / len(stated))


# ---- hostile and broken files ----

def png_claiming(width, height):
    """A tiny PNG whose header claims `width`×`height` pixels (a decompression bomb)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def jpeg_bytes(image, **kwargs):
    out = io.BytesIO()
    image.save(out, "JPEG", **kwargs)
    return out.getvalue()


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    (b"POWER on, PON on, LOS off\n", "unreadable"),
    (b"GIF89a" + b"\0" * 100, "damaged"),  # a GIF's signature, nothing readable after it: a file cut short (review r17)
    (png_claiming(50_000, 50_000), "pixels"),
    (png_claiming(9_000, 6_000), "pixels"),
    (b"\xff\xd8" + b"\0" * (reader.MAX_BYTES + 1), "too_big"),
])
def test_files_that_are_not_photos_get_a_clear_error(data, code):
    with pytest.raises(reader.PhotoError) as error:
        reader.open_photo(data)
    assert error.value.code == code and str(error.value)


def test_a_truncated_or_non_photo_format_is_refused():
    whole = jpeg_bytes(Image.new("RGB", (800, 600), (90, 90, 90)), quality=90)
    with pytest.raises(reader.PhotoError) as error:
        reader.open_photo(whole[: len(whole) // 3])
    assert error.value.code == "damaged"
    bmp = io.BytesIO()
    Image.new("RGB", (10, 10)).save(bmp, "BMP")
    with pytest.raises(reader.PhotoError) as error:
        reader.open_photo(bmp.getvalue())
    assert error.value.code == "format"


def test_orientation_is_applied_and_draft_mode_decodes_small():
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90° clockwise
    photo = jpeg_bytes(Image.new("RGB", (4000, 3000), (120, 120, 120)), exif=exif)
    image = reader.open_photo(photo)
    assert image.width < image.height and image.height <= reader.WORK_SIDE
    full = reader.open_photo(photo, draft=False)
    assert full.size == image.size


def jpeg_claiming(width, height):
    """A small JPEG whose frame header (SOF0) claims `width`×`height` pixels: refused before any decode."""
    data = bytearray(jpeg_bytes(Image.new("RGB", (64, 48), (90, 90, 90)), quality=90))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def test_a_48_megapixel_phone_jpeg_is_read_at_half_its_sides_and_more_gets_the_12_megapixel_advice(app, login, db, tmp_path):
    """Review r6: 8000×6000 JPEGs (48-MP phone cameras) were refused (40 MP at most). A JPEG decodes at half its sides
    in the decoder itself (draft), 12 MP, as light as a 12-MP photo (measured: 47 MB peak RSS growth for the upload's
    decode of either); it is read, and stored at 4000×3000. Beyond 50 MP, or another format beyond 40 MP, the
    refusal says to use the phone's 12-MP mode."""
    big = jpeg_bytes(Image.new("RGB", (8000, 6000), (70, 72, 75)), quality=85)
    assert reader.open_photo(big).size == (reader.WORK_SIDE, 750)
    assert reader.open_photo(big, draft=False).size == (reader.WORK_SIDE, 750)
    tech = login("techa")
    sha = upload(tech, big)
    assert db.execute("SELECT width, height FROM blobs WHERE sha256 = ?", [sha]).fetchone()[:] == (4000, 3000)
    for data, kind in ((jpeg_claiming(10_000, 6_000), "image/jpeg"), (png_claiming(9_000, 6_000), "image/png")):
        with pytest.raises(reader.PhotoError) as error:
            reader.open_photo(data)
        assert error.value.code == "pixels"
        refused = Uploader(tech).send(data, kind)
        assert refused.status_code == 422 and "1200 万像素" in refused.json["error"], refused.json
    from webapp.led import cli
    (tmp_path / "60mp.jpg").write_bytes(jpeg_claiming(10_000, 6_000))
    with pytest.raises(reader.PhotoError, match="12-megapixel mode") as said:
        cli.analyze_files([str(tmp_path / "60mp.jpg")], catalog.model("zte-f670l"))
    # said as the upload says it, with no limit that is wrong for some format (review r19: "40 megapixels at most"
    # then "up to 50 MP are read"; r20: a PNG told of a JPEG's 51)
    assert str(said.value).split(": ", 1)[1] == reader.FILE_PROBLEMS["pixels"]
    from flask_babel import force_locale
    from webapp.sync import uploads
    with app.test_request_context(), force_locale("en"):
        assert reader.FILE_PROBLEMS["pixels"] == str(uploads.REFUSALS["pixels"]())


def test_a_burst_sheet_must_split_into_whole_frames():
    sheet = Image.new("RGB", (800, 320 * 12))
    assert len(reader.split_sheet(sheet, 12)) == 12
    for frames in (0, 7, reader.MAX_FRAMES + 1, "12"):
        with pytest.raises(reader.PhotoError):
            reader.split_sheet(sheet, frames)


# ---- the command ----

def test_the_command_prints_the_reading_as_json(app, tmp_path):
    case = led_render.make_case(11, "burst", model_id="huawei-hg8546m")
    paths = []
    for i, photo in enumerate(case["photos"]):
        path = tmp_path / f"frame{i:02d}.jpg"
        path.write_bytes(photo)
        paths.append(str(path))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["led", "analyze", *paths, "--model", "huawei-hg8546m", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["model"] == "huawei-hg8546m" and body["quality"]["ok"] is True and body["quality"]["problems"] == []
    assert [led["label"] for led in body["leds"]] == [t["label"] for t in case["truth"]]
    assert all(led["state"] != "off" for led, t in zip(body["leds"], case["truth"]) if t["state"] != "off")
    assert all(set(led) - {"lean"} == {"label", "state", "color", "confidence"} for led in body["leds"])
    assert all(("lean" in led) <= (led["state"] == "unsure") for led in body["leds"])

    blurred = tmp_path / "blurred.jpg"
    blurred.write_bytes(led_render.make_case(12, "single", bad="blurry", model_id="zte-f660")["photos"][0])
    retake = runner.invoke(args=["led", "analyze", str(blurred), "--leds", "POWER,PON,LOS,LAN1", "--json"])
    assert retake.exit_code == 1
    assert json.loads(retake.output)["quality"]["problems"][0]["code"] == "blurry"

    text = tmp_path / "notes.txt"
    text.write_text("not a photo")
    for args in (["led", "analyze", str(text), "--model", "zte-f660"], ["led", "analyze", str(blurred)],
                 ["led", "analyze", str(blurred), "--model", "no-such-box"],
                 ["led", "analyze", str(blurred), "--leds", ""], ["led", "analyze", str(tmp_path / "missing.jpg"), "--model", "zte-f660"]):
        refused = runner.invoke(args=args)
        assert refused.exit_code == 2 and "error:" in refused.output and "Traceback" not in refused.output
    listing = runner.invoke(args=["led", "models"])
    assert listing.exit_code == 0 and "huawei-hg8245h" in listing.output and "unverified" in listing.output



def test_the_command_runs_alone_as_python_dash_m(tmp_path):
    """`python -m webapp.led.cli` is the same command without the app: help, a reading, and usage when misused."""
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parents[1]

    def run(*args):
        return subprocess.run([sys.executable, "-m", "webapp.led.cli", *args], cwd=root, capture_output=True,
                              text=True, timeout=120)
    shown = run("--help")
    assert shown.returncode == 0 and "Usage: python -m webapp.led.cli" in shown.stdout and "--model" in shown.stdout
    case = led_render.make_case(11, "single", model_id="huawei-hg8546m")
    photo = tmp_path / "panel.jpg"
    photo.write_bytes(case["photos"][0])
    read = run(str(photo), "--model", "huawei-hg8546m", "--json")
    assert read.returncode in (0, 1), read.stderr
    body = json.loads(read.stdout)
    assert body["model"] == "huawei-hg8546m" and set(body) == {"model", "quality", "leds"}
    assert [led["label"] for led in body["leds"]] in ([t["label"] for t in case["truth"]], [])
    text = run(str(photo), "--model", "huawei-hg8546m")
    assert text.returncode == read.returncode and text.stdout.strip() and "{" not in text.stdout
    for args in ((), (str(photo),), (str(photo), "--model", "no-such-box")):
        refused = run(*args)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr and refused.stderr.strip(), args
    # with --json, bad input is JSON on stdout too (review r20: scripts got nothing to parse)
    (tmp_path / "empty.jpg").write_bytes(b"")
    for args, code in (((str(photo), "--model", "no-such-box"), "model"), ((str(tmp_path / "empty.jpg"), "--leds", "POWER"), "empty")):
        refused = run(*args, "--json")
        assert refused.returncode == 2 and json.loads(refused.stdout)["error"]["code"] == code, refused.stdout
    if PHOTOS.is_dir():  # an unsure light says what it leans to, never a bare number (review r5: "unsure 0.81"),
        # and no colour (review r19: panel_03's unlit ALARM printed "unsure   red")
        truth = {p["file"]: p["labels_csv"] for p in json.loads((PHOTOS / "truth.json").read_text("utf-8"))}
        for name in ("panel_05.jpg", "panel_03.jpg"):
            unsure = run(str(PHOTOS / name), "--leds", truth[name])
            rows = [line.split() for line in unsure.stdout.splitlines() if " unsure " in f" {line} "]
            assert rows and all(row[2] == "leans" or row[2:] == ["(no", "lean)"] for row in rows), unsure.stdout
    if PHOTOS.is_dir():  # two photos named in one call are one burst: of two panels, it is sent back
        two = run(str(PHOTOS / "panel_01.jpg"), str(PHOTOS / "panel_07.jpg"), "--leds", "POWER,LOS,PON,LAN")
        assert two.returncode == 1 and "retake: The phone moved during the burst" in two.stdout, two.stdout

# ---- through sync: the photo, the reading, the technician's confirmation ----

def upload(session, data):
    assert Uploader(session).send(data).status_code == 204
    return hashlib.sha256(data).hexdigest()


def sheet_of(frames):
    images = [Image.open(io.BytesIO(f)) for f in frames]
    sheet = Image.new("RGB", (images[0].width, images[0].height * len(images)))
    for i, image in enumerate(images):
        sheet.paste(image, (0, i * image.height))
    return jpeg_bytes(sheet, quality=85)


def test_a_burst_is_read_when_it_syncs_and_the_technicians_correction_is_kept(app, login, order_id, db):  # noqa: F811
    tech = login("techa")
    phone = Phone(tech)
    case = led_render.make_case(21, "burst", model_id="huawei-hg8245h")
    sha = upload(tech, sheet_of(case["photos"]))
    check_id = str(uuid.uuid4())
    tapped = [{"label": t["label"], "state": t["state"], "color": t["color"]} for t in case["truth"]]
    response = phone.push([phone.mutation("order.led_check", {
        "order_id": order_id, "check_id": check_id, "model_id": "huawei-hg8245h", "capture": "burst", "sha256": sha,
        "frames": len(case["photos"]), "seconds": 3.2, "tapped": tapped})])
    assert response.json["results"][0]["status"] == "applied", response.json
    order = next(c["data"] for c in phone.pull(None)["changes"] if c["table"] == "orders" and c["id"] == order_id)
    check = order["led_checks"][0]
    assert check["reading"]["quality"]["ok"] and check["model_name"] == "Huawei EchoLife HG8245H" and not check["verified"]
    assert [led["label"] for led in check["reading"]["leds"]] == [t["label"] for t in case["truth"]]
    assert all(led["state"] != "off" for led, t in zip(check["reading"]["leds"], case["truth"]) if t["state"] != "off")
    thumb = tech.get(f"/api/blobs/{check['thumb_sha256']}")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    thumb.close()
    # The technician says LAN4 is off whatever the photo shows: stored as a correction.
    confirmed = [dict(s) for s in tapped]
    lan4 = next(s for s in confirmed if s["label"] == "LAN4")
    was = lan4["state"]
    lan4.update(state="off" if was != "off" else "on", color=None if was != "off" else "green")
    confirm_id = str(uuid.uuid4())
    mutation = phone.mutation("order.led_confirm", {"order_id": order_id, "confirm_id": confirm_id, "check_id": check_id,
                                                     "states": confirmed})
    assert phone.push([mutation]).json["results"][0]["status"] == "applied"
    assert phone.push([mutation]).json["results"][0]["status"] == "applied"  # sent twice, kept once
    # The taps on every light saved with the burst were the first confirmation; this one is kept beside it, once.
    rows = db.execute("SELECT corrections FROM led_confirmations WHERE check_id = ? AND id = ?", [check_id, confirm_id]).fetchall()
    assert len(rows) == 1 and db.execute("SELECT COUNT(*) FROM led_confirmations WHERE check_id = ?", [check_id]).fetchone()[0] == 2
    correction = json.loads(rows[0][0])
    # LAN4 as read, plus any light the reader left unsure (the technician's tap settles it).
    by_label = {c["label"]: c for c in correction}
    assert by_label["LAN4"]["read"]["state"] == was
    assert all(label == "LAN4" or c["read"]["state"] == "unsure" for label, c in by_label.items()), correction
    page = login("disp").get(f"/orders/{order_id}")
    assert "LAN4" in page.text and "layout unverified" in page.text.lower() or "灯位未核实" in page.text


def test_taps_on_some_lights_saved_with_the_photo_are_no_confirmation(login, order_id, db):  # noqa: F811
    """Review r5: a draft tapped on POWER only was saved as POWER on and every other light confirmed "off", which
    the fault tree then offered. Untapped lights are "unsure": kept as taps, confirmed by nobody; taps on every
    light are the technician's confirmation."""
    tech = login("techa")
    phone = Phone(tech)
    sha = upload(tech, led_render.make_case(41, "single", model_id="zte-f670l")["photos"][0])
    labels = [led["label"] for led in catalog.model("zte-f670l")["leds"]]
    some = [{"label": label, "state": "on" if k == 0 else "unsure", "color": "green" if k == 0 else None}
            for k, label in enumerate(labels)]
    every = [{"label": label, "state": "on" if k == 0 else "off", "color": "green" if k == 0 else None}
             for k, label in enumerate(labels)]
    kept = {}
    for name, tapped in (("some", some), ("every", every), ("none", [dict(s, state="unsure", color=None) for s in some])):
        check_id = str(uuid.uuid4())
        result = phone.push([phone.mutation("order.led_check", {
            "order_id": order_id, "check_id": check_id, "model_id": "zte-f670l", "capture": "photo", "sha256": sha,
            "frames": 1, "tapped": tapped})]).json["results"][0]
        assert result["status"] == "applied", result
        kept[name] = db.execute("SELECT tapped, confirmed, confirmed_at, id FROM led_checks WHERE id = ?", [check_id]).fetchone()
    assert json.loads(kept["some"][0]) == some and kept["some"][1] is None and kept["some"][2] is None
    assert json.loads(kept["every"][1]) == every and kept["every"][2]
    assert kept["none"][0] is None and kept["none"][1] is None
    checks_pulled = next(c["data"] for c in phone.pull(None)["changes"] if c["table"] == "orders" and c["id"] == order_id)["led_checks"]
    # The order page shows the taps as taps (not confirmed), Chinese first.
    page = login("disp").get(f"/orders/{order_id}")
    assert page.status_code == 200 and page.text.count("已点选，未确认") == 1, page.text
    pulled = {c["id"]: c for c in checks_pulled}
    assert [pulled[kept[name][3]]["confirmed"] is None for name in ("some", "every", "none")] == [True, False, True]
    assert pulled[kept["some"][3]]["tapped"] == some


def test_a_bad_photo_comes_back_as_a_retake_and_wrong_checks_are_refused(login, order_id, db):  # noqa: F811
    tech = login("techa")
    phone = Phone(tech)
    dark = upload(tech, led_render.make_case(31, "single", bad="too_dark", model_id="zte-f670l")["photos"][0])
    check_id = str(uuid.uuid4())
    result = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": check_id, "model_id": "zte-f670l",
                                                             "capture": "photo", "sha256": dark, "frames": 1})]).json["results"][0]
    assert result["status"] == "applied"
    reading = json.loads(db.execute("SELECT reading FROM led_checks WHERE id = ?", [check_id]).fetchone()[0])
    assert reading["quality"]["ok"] is False and reading["quality"]["problems"] == ["too_dark"] and reading["leds"] == []

    base = {"order_id": order_id, "model_id": "zte-f670l", "capture": "photo", "sha256": dark, "frames": 1}
    refusals = [
        {**base, "model_id": "nope"},
        {**base, "model_id": None, "labels": ""},
        {**base, "capture": "video"},
        {**base, "capture": "burst", "frames": 3},
        {**base, "sha256": "0" * 64},
        {**base, "sha256": "../../etc/passwd"},
        {**base, "tapped": [{"label": "POWER", "state": "on"}]},
        {**base, "seconds": -1},
    ]
    for args in refusals:
        outcome = phone.push([phone.mutation("order.led_check", {**args, "check_id": str(uuid.uuid4())})]).json["results"][0]
        assert outcome["status"] == "rejected" and outcome["error"], args
    wrong = phone.push([phone.mutation("order.led_confirm", {"order_id": order_id, "confirm_id": str(uuid.uuid4()),
                                                              "check_id": check_id, "states": [{"label": "X", "state": "on"}]})])
    assert wrong.json["results"][0]["status"] == "rejected"
    assert db.execute("SELECT COUNT(*) FROM led_checks").fetchone()[0] == 1
    other = Phone(login("techb"))
    stranger = other.push([other.mutation("order.led_check", {**base, "check_id": str(uuid.uuid4())})]).json["results"][0]
    assert stranger["status"] == "rejected"


def test_an_unknown_panel_named_left_to_right(login, order_id, db):  # noqa: F811
    tech = login("techa")
    phone = Phone(tech)
    case = led_render.make_case(41, "single", model_id="custom")
    sha = upload(tech, case["photos"][0])
    labels = ",".join(t["label"] for t in case["truth"])
    result = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": "c-" + uuid.uuid4().hex,
                                                             "labels": labels, "capture": "photo", "sha256": sha,
                                                             "frames": 1})]).json["results"][0]
    assert result["status"] == "applied"
    row = db.execute("SELECT model_id, labels, reading FROM led_checks").fetchone()
    assert row[0] == "custom" and json.loads(row[1]) == labels.split(",")
    assert [led["label"] for led in json.loads(row[2])["leds"]] == labels.split(",")


def test_checks_corrections_are_only_real_differences():
    reading = {"leds": [{"label": "POWER", "state": "on", "color": "green", "confidence": 0.9},
                        {"label": "LOS", "state": "off", "color": None, "confidence": 0.8}]}
    same = [{"label": "POWER", "state": "on", "color": "green"}, {"label": "LOS", "state": "off", "color": None}]
    assert checks.corrections(reading, same) == []
    changed = [{"label": "POWER", "state": "on", "color": "green"}, {"label": "LOS", "state": "blinking", "color": "red"}]
    assert [c["label"] for c in checks.corrections(reading, changed)] == ["LOS"]


def test_an_unsure_light_confirmed_along_its_lean_is_settled_not_corrected():
    """An honest "unsure" the technician settles the way the reader leaned is no correction; against the lean it is."""
    reading = {"leds": [{"label": "LAN3", "state": "unsure", "lean": "off", "color": None, "confidence": 0.63},
                        {"label": "LAN4", "state": "unsure", "lean": "on", "color": "green", "confidence": 0.7}]}
    settled = [{"label": "LAN3", "state": "off", "color": None}, {"label": "LAN4", "state": "on", "color": "green"}]
    assert checks.corrections(reading, settled) == []
    against = [{"label": "LAN3", "state": "on", "color": "green"}, {"label": "LAN4", "state": "on", "color": "green"}]
    found = checks.corrections(reading, against)
    assert [c["label"] for c in found] == ["LAN3"] and found[0]["read"] == {
        "state": "unsure", "lean": "off", "color": None, "confidence": 0.63}


@pytest.mark.parametrize("size", [(4000, 3), (64, 64000), (1000, 1), (2, 2000), (40, 15)])
def test_a_photo_a_few_pixels_thin_is_a_retake_not_a_crash(size):
    """Review r4: a 4000×3 or 64×64000 image raised cv2.error in the blur check (a job retried forever)."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 200, 200)).save(out, "PNG")
    result = reader.read([reader.open_photo(out.getvalue())], catalog.custom(["POWER", "PON"]))
    assert result["quality"] == {"ok": False, "problems": ["no_panel"], "sharpness": 0.0} and result["leds"] == []


def test_the_8_bit_channels_and_the_sparse_spot_scores_are_the_float32_ones():
    """The reader's speed-ups compute the same numbers, not nearly the same: V, chroma and luma
    from 8-bit pixels equal those from float32 ones, and the emit map scored only where the glow
    stands out (_spots) equals the map worked out everywhere."""
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)
    pixels[:20] = 255  # clipped white: the glow's core term
    for ours, theirs in zip(reader._channels(pixels), reader._channels(pixels.astype(np.float32))):
        assert ours.dtype == theirs.dtype == np.float32 and np.array_equal(ours, theirs)
    level = reader._pyramid(*reader._channels(pixels))[0]
    bright_v, bright_glow = level.bright
    everywhere = bright_glow * np.clip((bright_v + 3) / 15, reader.EMIT_FLOOR, 1)
    assert np.array_equal(level.emit, everywhere)
    where = np.flatnonzero(bright_glow > np.float32(4 * level.lit_noise))
    assert len(where) and np.array_equal(level.emit_at(where), everywhere.ravel()[where])


def test_the_noise_floor_counted_not_sorted_is_the_upper_quartiles():
    """_noise skips sorting when three quarters of its sample are at most 1.0: the same number as
    the upper quartile's, on maps at the floor, just above it and with ties at 1.0."""
    rng = np.random.default_rng(11)
    floor = 0
    for k in range(600):
        shape = tuple(int(n) for n in rng.integers(8, 50, 2))
        spot_map = (rng.normal(0, rng.uniform(0.1, 3), shape) + rng.choice([-1, 0, 0.5, 1.0])).astype(np.float32)
        if k % 3 == 0:
            spot_map = np.round(spot_map * 4) / 4
        expected = max(1.5, float(np.percentile(spot_map[::3, ::3], 75)) / 0.67)
        assert reader._noise(spot_map) == expected
        floor += expected == 1.5
    assert 100 < floor < 550  # both ways were taken


# Dev renders (seeds 5000–5399, never the benchmark's) that main's reader read as rows of nothing
# but "unsure" (issue 18, h13): over-exposed photos, read as if something could be read.
# (5037 single was one too; with h12's clipped-print rule its row is placed off the burnt-out panel, read all unsure
# with advice: not caught, not wrong.)
@pytest.mark.parametrize("seed, kind", [(5217, "single"), (5332, "single"), (5377, "single"), (5237, "burst")])
def test_lights_in_clipped_white_are_over_exposed_not_a_reading_of_unsure_lights(seed, kind):
    """The panel around the lights is burnt out (clipped white): no lit light can stand out of it."""
    result = read_case(led_render.make_case(seed, kind, bad="over_exposed"))
    assert result["quality"]["problems"] == ["over_exposed"] and result["leds"] == [], result["quality"]


# (5277 was one too: with a case clipped over 4 % able to give light (BRIGHT_CASE) it is read, every decided light
# right, rather than sent back.)
@pytest.mark.parametrize("seed", [5077, 5157, 5212])  # 5077: one light of 12 read "off"
def test_a_glare_of_a_few_percent_of_the_frame_over_an_unread_row_is_over_exposed(seed):
    result = read_case(led_render.make_case(seed, "single", bad="over_exposed"))
    assert result["quality"]["problems"] == ["over_exposed"], result["quality"]


@pytest.mark.parametrize("factor", [1.0, 0.25])
def test_lights_are_washed_out_in_clipped_white_not_by_their_own_clipped_cores(factor):
    """Judged within half the lights' spacing, in working pixels: alike at any resolution."""
    height, width = int(750 * factor), int(1000 * factor)
    spacing = 60 * factor
    points = np.array([(300 * factor + spacing * k, 400 * factor) for k in range(5)])
    grey = np.full((height, width, 3), 120, np.float32)
    burnt = grey.copy()
    burnt[int(340 * factor):int(460 * factor), int(250 * factor):int(600 * factor)] = 255  # the panel, clipped
    assert reader._lights_washed_out(burnt, points, spacing)
    cores = grey.copy()  # lit LEDs: each a clipped core a fifth of the spacing across, on a grey panel
    yy, xx = np.mgrid[0:height, 0:width]
    for x, y in points:
        cores[(xx - x) ** 2 + (yy - y) ** 2 <= (0.1 * spacing) ** 2] = 255
    assert not reader._lights_washed_out(cores, points, spacing)
    half = burnt.copy()  # clipped around two of the five lights only
    half[:, int(420 * factor):] = 120
    assert not reader._lights_washed_out(half, points, spacing)


@pytest.mark.parametrize("fill, mode", [((0, 0, 0, 0), "RGBA"), ((255, 255, 255, 0), "RGBA"), ((30, 40, 50, 8), "RGBA"),
                                        ((0, 0), "LA")])
def test_a_transparent_image_is_no_photo_not_glare(fill, mode):
    """Review r13: a transparent PNG (a graphic, a cut-out) was laid on white and sent back "over_exposed" (tilt the
    phone off the glare); the phone's canvas makes it black, "too_dark". A camera writes no transparency."""
    out = io.BytesIO()
    Image.new(mode, (1200, 900), fill).save(out, "PNG")
    with pytest.raises(reader.PhotoError) as error:
        reader.open_photo(out.getvalue())
    assert error.value.code == "unreadable" and "not a photo" in str(error.value)


@pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/led-photos is not here")
def test_a_photo_with_a_transparent_border_is_still_read():
    """A photo pasted onto a transparent canvas a seventh larger each way (23 % of it transparent) is opened, its
    border on white as before."""
    photo = Image.open(PHOTOS / "panel_01.jpg").convert("RGBA")
    canvas = Image.new("RGBA", (photo.width * 8 // 7, photo.height * 8 // 7), (0, 0, 0, 0))
    canvas.paste(photo, (photo.width // 14, photo.height // 14))
    out = io.BytesIO()
    canvas.save(out, "PNG")
    image = reader.open_photo(out.getvalue())
    assert image.mode == "RGB" and image.getpixel((2, 2)) == (255, 255, 255)
