"""The real photos of ../shared/led-photos as the phone's app uploads them (long side 2048, JPEG 85:
offline/photos.js), at the exposure taken and ×0.85, ×1.15 (a phone's auto-exposure varies that much
between shots): what the reader is given in the field. bench/bench_led.py prints the same 24 readings."""
import io
import json
import pathlib
import sys

import numpy as np
import pytest
from PIL import Image, ImageFilter, ImageOps

from webapp.led import catalog, reader

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import bench_led  # noqa: E402

PHOTOS = bench_led.PHOTOS


def uploaded_readings():
    """(truth.json's entry, exposure, read()'s result) for every photo at every PHONE_EXPOSURES."""
    for photo in json.loads((PHOTOS / "truth.json").read_text("utf-8")):
        model = catalog.custom(photo["labels_csv"].split(","))
        original = (PHOTOS / photo["file"]).read_bytes()
        for exposure in bench_led.PHONE_EXPOSURES:
            data = bench_led.as_phone_sends(original, exposure)
            yield photo, exposure, reader.read([reader.open_photo(data)], model)


def test_uploaded_real_photos_are_read_and_no_light_is_decided_wrong():
    """None is sent back (a person reads each), and no light is read on or off against what a person
    sees. (On 12195bb the panel_08 ×1.15 upload read POWER and ALARM "on" white 0.96: four slots fitted
    across the letters of its "Power" label, a row 2.5 % of the frame long; _tiny_row.)"""
    wrong, sent_back = [], []
    for photo, exposure, result in uploaded_readings():
        if not result["quality"]["ok"]:
            sent_back.append((photo["file"], exposure, result["quality"]["problems"]))
            continue
        for truth, led in zip(photo["leds"], result["leds"]):
            if led["state"] in ("on", "off") and truth["state"] in ("on", "off") and led["state"] != truth["state"]:
                wrong.append((photo["file"], exposure, truth["label"], led["state"], led["confidence"]))
    assert wrong == [] and sent_back == []


def test_a_row_a_few_letters_long_is_no_row_of_lights():
    """_tiny_row: a row under TOO_FAR_SPAN of the long side, not the span of a row the guide asks for."""
    side = 1000
    assert reader._tiny_row([(100, 100), (108, 100), (116, 100), (124, 100)], side)
    assert not reader._tiny_row([(100, 100), (140, 100), (180, 100)], side)
    assert not reader._tiny_row([(100, 100)], side)


def test_a_row_turned_onto_the_labels_is_turned_back_onto_three_lit_lights():
    """panel_01 (ZTE F6005: POWER, PON, LAN lit green, LOS off; labels printed above the lights) as the phone
    uploads it: the row was placed from above the "Power" label through the "O" of "LOS" to LAN, every light
    "unsure"; the lit POWER light lay 0.47 of the spacing from its slot, outside the pin reach (0.4), and the
    row's print scored as much as its lights (_lens_row). Fixed by h43 (.21): pinned within half a spacing, and
    the row on the lit lights' centres taken for the lit evidence there (LENS_CENTRE)."""
    truth = json.loads((PHOTOS / "truth.json").read_text("utf-8"))
    photo = next(p for p in truth if p["file"] == "panel_01.jpg")
    data = bench_led.as_phone_sends((PHOTOS / "panel_01.jpg").read_bytes())
    result = reader.read([reader.open_photo(data)], catalog.custom(photo["labels_csv"].split(",")))
    states = {led["label"]: led["state"] for led in result["leds"]}
    assert (states["POWER"], states["PON"], states["LAN"]) == ("on", "on", "on"), result["leds"]
    assert states["LOS"] in ("off", "unsure")


@pytest.mark.parametrize("exposure", [0.85, 1.15])
def test_jpeg_speckle_in_an_unlit_lens_is_no_lit_light(exposure):
    """panel_06 (ZTE F6005v3, unpowered: five unlit lenses seen clearly) as the phone uploads it, a little darker or
    brighter: the JPEG 85 re-encode leaves small coloured points at the lenses' outlines that scored as faint lit
    spots at the finest level (evidence 0.13-0.46), so every light read "unsure" (VERSION .20). They give no light:
    the row is read all off (_evidence's `cored`, _gives_light_at)."""
    photo = next(p for p in json.loads((PHOTOS / "truth.json").read_text("utf-8")) if p["file"] == "panel_06.jpg")
    data = bench_led.as_phone_sends((PHOTOS / "panel_06.jpg").read_bytes(), exposure)
    result = reader.read([reader.open_photo(data)], catalog.custom(photo["labels_csv"].split(",")))
    assert [led["state"] for led in result["leds"]] == [led["state"] for led in photo["leds"]] == ["off"] * 5


def test_a_white_case_brightened_until_its_v_clips_still_shows_its_lit_lights():
    """panel_01 (ZTE F6005: POWER, PON, LAN lit green on a warm-white case, LOS off) uploaded at ×1.15: the case clips
    in red and green (value 255 on 28 % of the frame) but is white in all three channels on 1.5 %, and its pale lit
    lights, no brighter than the case in value, made no spot; the row went onto the wood grain and every light was
    unsure (readers up to .39; .34 and .35 tried other cures and were reverted, bench/README). Since .40 such a
    frame is a bright case by its clipped value (reader._value_clipped_share): the three lit lights read on, LOS off
    or unsure."""
    truth = json.loads((PHOTOS / "truth.json").read_text("utf-8"))
    photo = next(p for p in truth if p["file"] == "panel_01.jpg")
    data = bench_led.as_phone_sends((PHOTOS / "panel_01.jpg").read_bytes(), 1.15)
    result = reader.read([reader.open_photo(data)], catalog.custom(photo["labels_csv"].split(",")))
    read = {led["label"]: led["state"] for led in result["leds"]}
    assert {label: read[label] for label in ("POWER", "PON", "LAN")} == {"POWER": "on", "PON": "on", "LAN": "on"}, result
    assert read["LOS"] in ("off", "unsure"), result



@pytest.mark.parametrize("cast, exposure", [("warm", 1.1), ("warm", 1.2), ("warmer", 1.1), ("warmer", 1.2),
                                            ("magenta", 1.1)])
def test_a_tinted_case_clipped_in_one_channel_under_a_cast_still_shows_its_lit_lights(cast, exposure):
    """panel_01's warm-white case under a warm or magenta cast, a little brighter: one channel clips over much of the
    case, few pixels are white in all three. Readers up to .39 read POWER, PON and LAN unsure in each of these (the row
    placed off the panel, or the lights held at DARK_GLOW by a cast doubt); .40 reads them on
    (reader._value_clipped_share)."""
    data = bench_led.cast_upload((PHOTOS / "panel_01.jpg").read_bytes(), bench_led.PHONE_CASTS[cast], exposure)
    photo = next(p for p in json.loads((PHOTOS / "truth.json").read_text("utf-8")) if p["file"] == "panel_01.jpg")
    result = reader.read([reader.open_photo(data)], catalog.custom(photo["labels_csv"].split(",")))
    read = {led["label"]: led["state"] for led in result["leds"]}
    assert [read[label] for label in ("POWER", "PON", "LAN")] == ["on"] * 3, result
    assert read["LOS"] in ("off", "unsure"), result


def test_value_clipped_share_counts_a_channel_clipped_not_only_white():
    """A cream case at (255, 250, 232) is clipped in value though not white; a light grey (240, 240, 240) is neither."""
    frame = np.zeros((40, 40, 3), np.uint8)
    frame[:20] = (255, 250, 232)
    frame[20:] = (240, 240, 240)
    assert reader._value_clipped_share(frame) == pytest.approx(0.5)
    assert reader._clipped_share(frame.astype(np.float32)) == 0.0


def sent_on(name, side, turn, quality, blur, gains, exposure):
    """A real photo as a phone might send it: turned `turn`° (the corners cut, 12 % a side), `side` pixels long,
    blurred (Gaussian radius `blur`), under a white-balance cast (`gains`, R G B) and `exposure`, JPEG `quality`."""
    picture = ImageOps.exif_transpose(Image.open(PHOTOS / name)).convert("RGB")
    if turn:
        width, height = picture.size
        picture = picture.rotate(turn, resample=Image.Resampling.BICUBIC).crop(
            (int(0.12 * width), int(0.12 * height), int(0.88 * width), int(0.88 * height)))
    scale = side / max(picture.size)
    picture = picture.resize((round(picture.width * scale), round(picture.height * scale)), Image.Resampling.LANCZOS)
    if blur:
        picture = picture.filter(ImageFilter.GaussianBlur(blur))
    pixels = np.asarray(picture, np.float32) * np.array(gains, np.float32) * exposure
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=quality)
    return out.getvalue()


def decided_wrong(name, data):
    """(label, truth, reading, confidence) of every light `data` (a photo of the real `name`) reads on or off against
    truth.json."""
    photo = next(p for p in json.loads((PHOTOS / "truth.json").read_text("utf-8")) if p["file"] == name)
    result = reader.read([reader.open_photo(data)], catalog.custom(photo["labels_csv"].split(",")))
    return [(t["label"], t["state"], led["state"], led["confidence"]) for t, led in zip(photo["leds"], result["leds"])
            if result["quality"]["ok"] and led["state"] in ("on", "off") and t["state"] in ("on", "off")
            and led["state"] != t["state"]]


@pytest.mark.parametrize("name, gains", [
    ("panel_04.jpg", (1.06, 1.0, 0.88)),
    ("panel_03.jpg", (1.04, 0.94, 1.03)),
    ("panel_01.jpg", (1.04, 0.94, 1.03)),
    ("panel_02.jpg", (1.06, 1.0, 0.88)),
], ids=["panel_04-warm", "panel_03-magenta", "panel_01-magenta", "panel_02-warm"])
@pytest.mark.parametrize("exposure", [1.1, 1.2])
def test_a_cast_and_a_bright_exposure_make_no_light_of_cables_or_logos(name, gains, exposure):
    """The casts reviews named (readers .34 and .35, tried and reverted, made lit lights of clipped yellow cables and
    logos, or fitted rows onto label print), on the panels with cables and print, applied after the upload: no light
    is decided wrong."""
    assert decided_wrong(name, bench_led.cast_upload((PHOTOS / name).read_bytes(), gains, exposure)) == []


def test_a_row_fitted_across_clipped_yellow_cables_reads_no_light_on():
    """panel_04 under a warm cast (1.07, 1.0, 0.88) at ×1.2: readers .33-.39 fitted the row from the yellow fibre
    cables on the left across the lit Power LED to the cables on the right (spacing 108 working pixels against the
    panel's ~40) and read that LED as LOS on 0.96. With the frame a bright case by its clipped value (.40) the
    lights on the clipped case show, and no light is decided wrong."""
    data = bench_led.cast_upload((PHOTOS / "panel_04.jpg").read_bytes(), (1.07, 1.0, 0.88), 1.2)
    assert decided_wrong("panel_04.jpg", data) == []


def test_a_column_fitted_onto_the_printed_names_reads_no_lit_light_off():
    """Review of .35 (2026-12-04; readers .33 to .42 alike): panel_03 as uploaded, turned 2.4 degrees, under a cast
    (0.944, 0.905, 1.033) at ×1.27: the column is fitted from the lit POWER across the printed names, and PON's slot
    on the letter N read its lit light off 0.92. A row whose slots are mostly on words is no row of lights
    (reader._word_windows, .43): no light of it is decided."""
    image = reader.Image.open(io.BytesIO(bench_led.as_phone_sends((PHOTOS / "panel_03.jpg").read_bytes()))).convert("RGB")
    image = image.rotate(2.4, resample=reader.Image.BICUBIC)
    margin = int(0.05 * max(image.size))  # the corners the turn left black are cut away, as a phone's crop would
    image = image.crop((margin, margin, image.width - margin, image.height - margin))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    data = bench_led.cast_upload(out.getvalue(), (0.944, 0.905, 1.033), 1.27)
    assert decided_wrong("panel_03.jpg", data) == []


@pytest.mark.parametrize("quality, exposure, turn", [(90, 1.0, 0), (85, 1.15, 270)],
                         ids=["re-encoded-90", "uploaded-x1.15-turned-270"])
def test_an_unpowered_row_with_one_pinhole_faintly_unsure_keeps_its_other_lights_off(quality, exposure, turn):
    """The real panel_06 (ZTE F6005v3, unpowered, five pinholes whose windows score 14-16): one pinhole at lit evidence
    about 0.36 (p(lit) 0.12, "unsure" leaning off at 0.88, by its own evidence only) made the whole row "unsure" (the
    all-off rule took any unsure light for doubt about the row), though the photo as taken read all five off.
    _faintly_unsure: the other four stay off, and no light is read on."""
    model = catalog.custom(["Power", "PON", "Alarm", "Update", "LAN"])
    image = reader.Image.open(io.BytesIO((PHOTOS / "panel_06.jpg").read_bytes())).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    data = bench_led.as_phone_sends(out.getvalue(), exposure, turn) if exposure != 1.0 or turn else out.getvalue()
    leds = reader.read([reader.open_photo(data)], model)["leds"]
    states = [led["state"] for led in leds]
    assert states.count("off") >= 4 and "on" not in states, states
    assert all(led.get("lean") == "off" for led in leds if led["state"] == "unsure"), leds


def test_a_light_a_rule_doubted_is_not_faintly_unsure():
    """_faintly_unsure: only a light stated exactly as sure as its own evidence, leaning off, on a row placed for sure."""
    items = [{"state": "unsure", "lean": "off", "confidence": 0.88}, {"state": "unsure", "lean": "off", "confidence": 0.75},
             {"state": "unsure", "lean": "on", "confidence": 0.7}, {"state": "off", "confidence": 0.94}]
    own = [0.879, 0.879, 0.704, 0.94]
    assert reader._faintly_unsure(items, own, True) == [True, False, False, False]
    assert reader._faintly_unsure(items, own, False) == [False, False, False, False]


def test_a_coloured_logo_is_no_row_of_lit_lights():
    """The real panel_06 (unpowered, pinholes 69 working pixels apart, windows 14-16) re-encoded at JPEG 75 and read as
    an unknown panel: the 30 lines tried (LINES_TRIED) all ran through one letter of the magenta "open fiber" logo, whose
    crumb of lit score (0.03) put them a hair above the pinholes' line (windows are capped, WIN_CAP, so they tie); the
    row was placed along the logo, 11 pixels apart, and a letter read "on" 0.96. Lines that tie with the last one tried
    are tried too (LINE_TIE, TIED_MAX): the pinholes are read, all off."""
    model = catalog.custom(["Power", "PON", "Alarm", "Update", "LAN"])
    image = reader.Image.open(io.BytesIO((PHOTOS / "panel_06.jpg").read_bytes())).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    states = [led["state"] for led in reader.read([reader.open_photo(out.getvalue())], model)["leds"]]
    assert "on" not in states and states.count("off") >= 4, states


def test_a_faint_power_glow_turned_and_brightened_is_not_read_all_off():
    """Review r47 (readers .36 and .37, open until .43): panel_05, a shell that hides its lights until lit, at 2048 px
    turned 270 degrees and brightened ×1.2 (JPEG 85): its faint POWER glow is not seen, and the row placed on the
    printed names, every "window" a word as clear as a lens, was read all off 0.94 (no power, to the fault tree).
    A window that runs along the row and not across it is print (reader._word_windows): the row is unsure."""
    from PIL import Image, ImageEnhance
    photo = {p["file"]: p for p in json.loads((PHOTOS / "truth.json").read_text("utf-8"))}["panel_05.jpg"]
    picture = Image.open(PHOTOS / "panel_05.jpg").convert("RGB")
    picture.thumbnail((2048, 2048), Image.Resampling.LANCZOS)
    picture = ImageEnhance.Brightness(picture.rotate(270, expand=True)).enhance(1.2)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    result = reader.read([reader.open_photo(out.getvalue())], catalog.custom(photo["labels_csv"].split(",")))
    if result["quality"]["ok"]:
        power = result["leds"][0]
        assert power["label"] == "POWER" and power["state"] in ("on", "unsure"), power


SHIFTED_ONE_SLOT = pytest.mark.xfail(strict=True, reason="open (review r51 of reader .40): under a cast the benchmark "
                                     "does not use, a row shifted one slot reads an unlit light on 0.96 in the cast's "
                                     "colour. Balancing by the frame's palest pixels cost 24 labelled lights (renders' "
                                     "coloured backgrounds); not kept (bench/README, 2026-12-06)")


@pytest.mark.parametrize("name, gains, exposure", [
    ("panel_08.jpg", (0.9, 0.95, 1.12), 1.1),
    ("panel_08.jpg", (1.1, 0.95, 0.95), 1.15),
    pytest.param("panel_04.jpg", (1.05, 1.05, 0.85), 1.2, marks=SHIFTED_ONE_SLOT),
    pytest.param("panel_03.jpg", (1.1, 1.0, 0.85), 1.35, marks=SHIFTED_ONE_SLOT),
], ids=["panel_08-blue", "panel_08-red", "panel_04-yellow", "panel_03-orange"])
def test_a_cast_the_benchmark_does_not_use_makes_no_unlit_light_lit(name, gains, exposure):
    """Review r51 (reader .40): under casts the benchmark does not use, an unlit light was read on 0.96 in the cast's
    colour. On panel_08 (lights hidden under a black case) from a speck or print the cast tinted, on a row placed
    along the case's seam or the names: since .43 such a row is no row of lights (reader._word_windows)."""
    assert decided_wrong(name, bench_led.cast_upload((PHOTOS / name).read_bytes(), gains, exposure)) == []


ROW_PINNED_OFF_THE_LIGHTS = pytest.mark.xfail(strict=True, reason=(
    "open (reader .43): the row is placed off the lights for sure and pinned there by lit spots. panel_02 warmer: along "
    "the printed names through the lit POWER and GPON, its dim lit LAN off 0.94 (_lens_row compares the row moved onto "
    "the lit lights' line with windows capped at 4: letters 2.8-5 tie lenses 13-16.6; the cap at 8 fixed it but moved "
    "other rows, tests/test_r13_review.py's panel_03 and two of review r55's panel_02 variants, and was not kept). "
    "panel_03 cool: across its logo and vent, the blue logo and the real POWER light clearly lit at two slots, its lit "
    "PON off 0.92"))


@pytest.mark.parametrize("name, cast, exposure, turn", [
    pytest.param("panel_02.jpg", "warmer", 1.07, 0.0, marks=ROW_PINNED_OFF_THE_LIGHTS),
    pytest.param("panel_03.jpg", "cool", 1.18, 2.4, marks=ROW_PINNED_OFF_THE_LIGHTS),
    ("panel_05.jpg", "magenta", 1.18, -2.4),
    ("panel_08.jpg", "warm", 1.07, -2.4),
    ("panel_08.jpg", "warm", 1.23, 2.4),
    ("panel_08.jpg", "warmer", 1.13, 2.4),
    ("panel_08.jpg", "warmer", 1.18, 2.4),
])
def test_the_sweeps_settings_that_read_a_light_wrong_decide_none(name, cast, exposure, turn):
    """The seven settings of bench/sweep_led.py where reader .42 decided a light wrong, each on a row placed for sure
    on something other than the lights: panel_05, lights hidden until lit, on its printed names (its faint POWER off
    0.92), panel_08, lights hidden under a black case, along the case's seam (a speck of dust under a warm cast "on"
    0.92–0.96). A row whose slots are words or a line, not held by clearly lit lights, is no row of lights
    (reader._word_windows). Two stay open (ROW_PINNED_OFF_THE_LIGHTS)."""
    import sweep_led
    data = sweep_led.photo_as_swept((PHOTOS / name).read_bytes(), sweep_led.CASTS[cast], exposure, turn)
    assert decided_wrong(name, data) == []


@pytest.mark.parametrize("side, turn, blur", [(1024, 0, 1.0), (1600, -15, 0)])
def test_a_logos_coloured_stripes_are_no_lit_lights(side, turn, blur):
    """The real panel_03 under a cool cast, ×1.15, at JPEG 35: .45 placed its row on the AT&T logo beside the lights,
    read the blue stripes lit 0.96 and the white case between "off" (DATA, lit, read off 0.92; turned 15°, ALARM, unlit,
    read on 0.96). A stripe of colour that runs on and is darker than the case is ink, not light (_coloured_print)."""
    photo = sent_on("panel_03.jpg", side, turn, 35, blur, (0.92, 0.98, 1.08), 1.15)
    assert decided_wrong("panel_03.jpg", photo) == []


@pytest.mark.xfail(strict=True, reason="open (review r63): reader .49 sent such a photo back only with the clipping near "
                   "the row as placed; a glare that hides the lights sends the row elsewhere, and 51 photos with a glare "
                   "on their lights went unsent; reverted")
@pytest.mark.parametrize("cast, exposure", [("warm", 1.3), ("cool", 1.2)])
def test_a_white_table_beside_a_black_panel_is_no_glare_over_its_lights(cast, exposure):
    """The real panel_08 (hidden-until-lit lights under their names on a black case, the panel on a white table) as
    uploaded under a cast and a bright exposure: 7-17 % of the frame, the table, is clipped white, none of it within
    half a spacing of the row (at most 3 %), and the row reads all unsure as it does unaltered. It is sent back as
    "over-exposed: tilt the phone so the reflection moves off the lights", a reflection that is not there."""
    photo = next(p for p in json.loads((PHOTOS / "truth.json").read_text("utf-8")) if p["file"] == "panel_08.jpg")
    data = bench_led.cast_upload((PHOTOS / "panel_08.jpg").read_bytes(), bench_led.PHONE_CASTS[cast], exposure)
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert reader._clipped_share(pixels.astype(np.float32)) >= 0.07 or reader._glare_over(pixels)
    result = reader.read([reader.open_photo(data)], catalog.custom(photo["labels_csv"].split(",")))
    assert result["quality"]["ok"], result["quality"]
    assert all(led["state"] in ("off", "unsure") for led in result["leds"])


@pytest.mark.parametrize("name, cast", [("panel_03.jpg", "cool"), ("panel_03.jpg", "magenta"), ("panel_05.jpg", "cool")])
def test_a_glare_over_the_row_still_sends_the_photo_back(name, cast):
    """The other side: panel_03's and panel_05's reflections brightened ×1.3 lie on their rows (a third to nine tenths
    of the pixels within half a spacing clipped) and hide the lights: over-exposed."""
    photo = next(p for p in json.loads((PHOTOS / "truth.json").read_text("utf-8")) if p["file"] == name)
    data = bench_led.cast_upload((PHOTOS / name).read_bytes(), bench_led.PHONE_CASTS[cast], 1.3)
    result = reader.read([reader.open_photo(data)], catalog.custom(photo["labels_csv"].split(",")))
    assert result["quality"]["problems"] == ["over_exposed"]
