"""Unlit LED lenses: the renderer draws them as real ones photograph, and a pale lens is not a lit light.

The real photos (../shared/led-photos) show their unlit lenses at 28-129 grey levels of the reader's
window measure (10th-90th percentile); the renderer had drawn them at 5-22, fainter than any real
lens, so its labelled set measured the drawing (issue 18, "the renderer learns from the real photos").
"""
import pathlib
import random
import sys

import pytest

from tests import led_render
from webapp.led import catalog, reader

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))
import lens_contrast  # noqa: E402


def test_the_renders_unlit_lenses_are_no_fainter_than_the_real_photos_show_them():
    real = sorted(value for _, value in lens_contrast.real_lenses())
    rendered = sorted(value for _, value, spacing in lens_contrast.rendered_lenses(5000, 60) if spacing >= 30)
    assert len(real) >= 10 and len(rendered) >= 40
    real_low, real_median = real[len(real) // 10], real[len(real) // 2]
    # The lenses drawn before led_render.LENS measured 5-22 (10th-90th percentile), fainter than every real one but a
    # hidden one: now a quarter of them are at least as clear as the real photos' faint end, and half are no clearer
    # than the real photos' median (the set stays the harder one).
    assert rendered[len(rendered) * 3 // 4] >= real_low, (rendered[len(rendered) * 3 // 4], real_low)
    assert rendered[len(rendered) // 2] <= real_median, (rendered[len(rendered) // 2], real_median)


def pale_lenses(cast, window, panel):
    """A clear photo of a 12-light panel on a dark case, POWER, PON and LAN2 lit green, its unlit lenses `window`
    grey levels paler than the case, under a white-balance `cast` ((red, blue) gains − 1)."""
    model = catalog.model("zte-f660")
    c = led_render.conditions(random.Random(1))
    c.update(tilt=3, place=(0.5, 0.4), scale=0.6, keystone=0.0, glare=False, light=1.0, panel=panel, blur=0.0004,
             noise=2.0, labels=True, hidden=False, vents=False, speckle=False, clutter="shelf", dim=False,
             window=window, exposure=1.0, lift=0.0, no_panel=False, led_gain=0.9, cast=cast)
    scene = led_render._Scene(model, c, (1200, 900), 5)
    lit = ("POWER", "PON", "LAN2")
    image = scene.frame([(i, led_render.HUES["green"], 0.9) for i, led in enumerate(model["leds"]) if led["label"] in lit],
                        (0.0, 0.0), 77)
    return model, lit, reader.open_photo(led_render.jpeg(image, 88))


OPEN = pytest.mark.xfail(strict=True, reason="open: one lens 170 levels paler than a black case under R×1.1 B×0.9 or "
                         "R×1.12 still reads on 0.96 (evidence 1.8-3.1) where its case's cast was measured")
CASTS = [(0.1, -0.1), (-0.08, 0.12), (0.12, 0.0), (-0.1, -0.1)]


@pytest.mark.parametrize("cast, window, panel", [
    pytest.param(cast, window, panel, marks=[OPEN] if (window, panel[0], cast) in {
        (170, 38, (0.1, -0.1)), (170, 38, (0.12, 0.0)), (170, 22, (0.12, 0.0))} else [])
    for window, panel in [(130, (38, 38, 42)), (170, (38, 38, 42)), (170, (22, 22, 24))] for cast in CASTS])
def test_a_pale_unlit_lens_on_a_dark_case_under_a_cast_is_not_read_lit(cast, window, panel):
    """A cast colours a pale lens as it colours the case: reader .33 read six unlit lenses 170 levels paler than a black
    case "on" 0.96 under R×1.1 B×0.9 (evidence 2.7-3.1)."""
    model, lit, image = pale_lenses(cast, window, panel)
    result = reader.read([image], model)
    assert result["quality"]["ok"], result["quality"]
    for led in result["leds"]:
        assert led["state"] != ("off" if led["label"] in lit else "on"), led
    assert sum(led["state"] == "on" for led in result["leds"]) >= 2  # the lit lights still read lit
