"""Unlit LED lenses: the renderer draws them as real ones photograph.

The real photos (../shared/led-photos) show their unlit lenses on pale cases at 28-129 grey levels of the reader's
window measure (10th-90th percentile, bench/lens_contrast.py); the renderer had drawn them at 1-24, fainter than any
real lens but a hidden one, so its labelled set measured the drawing (issue 18, "the renderer learns from the real
photos").
"""
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import lens_contrast  # noqa: E402
from tests import led_render  # noqa: E402
from webapp.led import reader  # noqa: E402


@pytest.mark.skipif(not (lens_contrast.PHOTOS / "truth.json").exists(), reason="needs ../shared/led-photos")
def test_the_renders_unlit_lenses_on_pale_cases_are_no_fainter_than_the_real_photos_show_them():
    real = [value for _, value in lens_contrast.real_lenses()]
    assert len(real) >= 10
    real_low, real_median = lens_contrast.quantile(real, 0.1), lens_contrast.quantile(real, 0.5)
    for faint in (True, False):
        rendered = [value for _, value, _ in lens_contrast.rendered_lenses(5000, 60, faint)]
        assert len(rendered) >= 40
        clear = lens_contrast.quantile(rendered, 0.75) >= real_low
        # Drawn as before (faint_lenses) three quarters were fainter than the real photos' faint end; now a quarter
        # at least are as clear, and half no clearer than the real photos' median (the set stays the harder one).
        assert clear == (not faint), (faint, lens_contrast.quantile(rendered, 0.75), real_low)
        assert lens_contrast.quantile(rendered, 0.5) <= real_median


@pytest.mark.xfail(strict=True, reason="open (issue 18, kind 8): a faint glow through a pale shell counts as the light's "
                   "window, and a lit light is read off. Tried 2026-12-05 (.36, taken back): only windows darker than a "
                   "pale case count; it held on this render at JPEG quality 95 only (the case measures 129 against 128, "
                   "and at the phone's quality 85 the glow's JPEG halo reads as a dark window)")
def test_a_glow_through_a_pale_shell_is_no_window_that_shows_the_light_off():
    """Dev render 5270: twelve lights hidden until lit under a pale grey shell (214), nine lit, their faint glows 7-20
    grey levels lighter than the case. Reader .33 takes four glows for windows and reads them "off" 0.92-0.94."""
    case = led_render.make_case(5270, "single")
    assert case["conditions"]["hidden"] and min(case["conditions"]["panel"]) >= 128
    result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
    assert result["quality"]["ok"], result["quality"]
    for truth, led in zip(case["truth"], result["leds"]):
        assert led["state"] in (truth["state"], "unsure"), (truth, led)
