"""A burst's light is as sure as such lights were right on held-out bursts (reader.BURST_SURE, reader .41).

Every frame of a 3-second burst showing a light alike (all lit, or none) on a row placed for sure was right far more
often than the frames' mean p(lit) said: ten frames each faintly lit (CALIBRATION's weak bin, 0.70) are a lit light
about nine times in ten, as a glint on an unlit lens comes and goes with each frame's noise. A light some frames show
otherwise keeps its frames' sureness: a strong light dark in one frame is a flashing light more often (a first fit
over every burst light read held-out renders 1278, 5095 and 5176's flashing lights steady on).
Real photos are read from ../shared/led-photos (never copied)."""
import io
import json
import pathlib

import numpy as np
import pytest
from PIL import Image

from tests import led_render
from webapp.led import catalog, reader

PHOTOS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "led-photos"
TRUTH = json.loads((PHOTOS / "truth.json").read_text()) if (PHOTOS / "truth.json").exists() else []


def as_burst(path, frames=10, seed=7):
    """A real photo as a burst: each frame with its own exposure (±3 %), sensor noise (σ 2 grey levels) and JPEG."""
    rng = np.random.default_rng(seed)
    image = Image.open(path).convert("RGB")
    image.thumbnail((1600, 1600))
    pixels = np.asarray(image).astype(np.float32)
    out = []
    for _ in range(frames):
        frame = np.clip(pixels * rng.uniform(0.97, 1.03) + rng.normal(0, 2.0, pixels.shape), 0, 255).astype(np.uint8)
        data = io.BytesIO()
        Image.fromarray(frame).save(data, "JPEG", quality=int(rng.integers(85, 95)))
        out.append(data.getvalue())
    return out


def test_the_table_rises_and_never_claims_more_than_always():
    for placed, table in reader.BURST_SURE.items():
        tops = [top for top, _ in table]
        rights = [right for _, right in table]
        assert tops == sorted(tops) and rights == sorted(rights), placed
        assert all(0.0 <= right <= 1.0 for right in rights)
    assert reader._burst_sure(0.75, "sure") == reader.BURST_SURE["sure"][0][1] >= reader.SURE
    assert reader._burst_sure(0.75, "doubtful") == 0.75  # none fitted for rows placed in doubt: as it is


@pytest.mark.skipif(not TRUTH, reason="../shared/led-photos is not here")
@pytest.mark.parametrize("photo", TRUTH, ids=lambda photo: photo["file"])
def test_a_burst_of_a_real_photo_reads_no_light_wrong(photo):
    model = catalog.custom([led["label"] for led in photo["leds"]])
    result = reader.read([reader.open_photo(frame) for frame in as_burst(PHOTOS / photo["file"])], model)
    if not result["quality"]["ok"]:
        return
    for truth, led in zip(photo["leds"], result["leds"]):
        if truth["state"] != "unknown":
            assert led["state"] in ("unsure", truth["state"]), (photo["file"], truth, led)


@pytest.mark.skipif(not TRUTH, reason="../shared/led-photos is not here")
def test_an_unpowered_panel_in_a_burst_reads_every_light_off():
    """panel_06 (unpowered, its pinholes clear): reader .40 left its LAN unsure (0.89), its frames all showing it
    unlit; .41 reads all five off."""
    photo = next(photo for photo in TRUTH if photo["file"] == "panel_06.jpg")
    model = catalog.custom([led["label"] for led in photo["leds"]])
    result = reader.read([reader.open_photo(frame) for frame in as_burst(PHOTOS / photo["file"])], model)
    assert [led["state"] for led in result["leds"]] == ["off"] * 5, result["leds"]
    assert all(led["frames_alike"] for led in result["leds"])


def test_a_flashing_light_dark_in_one_frame_is_not_made_surer():
    """Held-out render 1278: two strong lights flashing, lit in most frames; their frames do not all show them alike,
    so BURST_SURE leaves them as unsure as their frames say (a fit over every burst light read them steady on)."""
    case = led_render.make_case(1278, "burst")
    result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
    for truth, led in zip(case["truth"], result["leds"]):
        if truth["state"] == "blinking":
            assert led["state"] in ("blinking", "unsure"), (truth, led)
