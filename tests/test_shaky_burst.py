"""A burst taken by a hand that drifts (review r12): the frames of a burst lie a few pixels apart, and a steady light's
window moved on and off its slot from frame to frame. The reader compared the frames pixel by pixel and read steady
lights flashing: frames alternating 24 pixels apart read all six of panel_02's lights "blinking" 0.86, three of
panel_01's 0.67–0.83. The frames are now moved onto the middle frame before they are read (reader._aligned).

Each real photo of ../shared/led-photos, as the phone uploads it, becomes a 12-frame burst whose frames alternate
between two crops `drift` of its width apart: the reading must be a retake ("moved") or read no light flashing (none of
them flashes) and no light the opposite of what a person sees."""
import io

import pytest
from PIL import Image

from tests.test_r12_review import MODELS, uploaded
from tests.test_r8_review import truth
from webapp.led import catalog, reader


def shaky_burst(name, drift, frames=12):
    """JPEG frames (quality 85) of `name` as uploaded, alternating between its left and right crops `drift` of its
    width apart."""
    image = uploaded(name)
    shift = round(drift * image.width)
    crops = [image.crop((0, 0, image.width - shift, image.height)), image.crop((shift, 0, image.width, image.height))]
    out = []
    for k in range(frames):
        data = io.BytesIO()
        crops[k % 2].save(data, "JPEG", quality=85)
        out.append(data.getvalue())
    return out


# 0.035 and 0.05: a pan, beyond a hand's drift (SCENE_SHIFT 2.7 %): panel_02's vent grille matched one hole along and
# four of its steady lights read flashing (.26); a pan must be "moved" or read as the steady lights it shows.
@pytest.mark.parametrize("drift", [0.008, 0.016, 0.024, 0.035, 0.05])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_hand_drifting_during_a_burst_makes_no_light_flash(name, drift):
    result = reader.read([reader.open_photo(data) for data in shaky_burst(name, drift)], catalog.model(MODELS[name]))
    if not result["quality"]["ok"]:
        assert result["quality"]["problems"] == ["moved"], result["quality"]
        return
    said = [(led["label"], led["state"], led["confidence"]) for led in result["leds"]]
    flashing = [s for s in said if s[1] == "blinking"]
    wrong = [s for s, seen in zip(said, truth(name)["leds"]) if {s[1], seen["state"]} == {"on", "off"}]
    assert not flashing and not wrong, f"read {said}"


def test_the_frames_are_placed_to_a_pixel():
    """_burst_shifts finds a drift of 24 pixels to, and within, a pixel either way, and the middle frame at (0, 0)."""
    image = uploaded("panel_02.jpg")
    image = image.resize((1000, round(1000 * image.height / image.width)), Image.Resampling.LANCZOS)
    a, b = image.crop((0, 0, image.width - 24, image.height)), image.crop((24, 0, image.width, image.height))
    lums = [reader._channels(reader.np.asarray(frame))[2] for frame in (a, b, a)]
    shifts = reader._burst_shifts([a.size] * 3, lums)
    assert abs(shifts[1][0]) < 0.5 and abs(shifts[1][1]) < 0.5
    for dx, dy in (shifts[0], shifts[2]):
        assert abs(dx - 24) < 1 and abs(dy) < 1, shifts
