"""How clearly unlit LED lenses and lit LEDs show: the real photos beside the renderer's labelled set.

An unlit light is read "off" only where its lens (or pinhole) is seen, and a row is read all off
("no power") only where every lens is seen clearly (webapp/led/reader.py ALL_OFF_SEEN). So the
renderer's lenses must photograph as real ones do, or its labelled set measures the drawing.
This prints, for every unlit light, the reader's own window measure (`_Level.window`: how far the
lens's centre stands above or below the eight points around it, grey levels of luminance, at the
best scale that fits between two lights):

- on the real photos (../shared/led-photos), at the slots where the reader placed the row, for
  photos whose row it placed for sure (fit confidence ≥ reader.SURE_FIT; truth.json gives states,
  not places). That leaves out panel_05 and panel_08 (the one black case, whose lenses do not show
  until lit): the lights measured are dark pinholes and lenses in pale plastic, one of them (panel_01's
  LOS) hidden until lit;
- on the renderer's good single photos of pale cases (tests/led_render.py draws a dark case's lenses
  as before, not from LENS), at the lights' drawn places, lights hidden until lit included (they
  have no lens to see), with the spacing of their lights.

Then, for every lit light ("on" in truth.json or the render's truth), the reader's own lit evidence
(reader._evidence: the strongest lit spot within a quarter of the spacing of the light, over that
level's noise floor, noise units; a light is read "on" for sure from about 1.55, reader.CALIBRATION):
on the real photos as they are and as the phone uploads them (bench_led.as_phone_sends, long side
2048, JPEG 85), rows placed for sure, and on the renders' good single photos, every case colour,
at the lights' drawn places. A renderer that draws its lit lights brighter than real ones photograph
makes the labelled set easier than the field.

Run from the project root (dev seeds only; the benchmark's are 1000–1329):
  .venv/bin/python bench/lens_contrast.py [--start 5000 --count 150]   # about 3 minutes
"""
import argparse
import io
import json
import math
import os
import pathlib
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = pathlib.Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np  # noqa: E402

from tests import led_render  # noqa: E402
from webapp.led import catalog, reader  # noqa: E402

PHOTOS = ROOT.parent / "shared" / "led-photos"
QUANTILES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)


def window_contrast(image, points):
    """The window measure (grey levels) at each of `points` ([(x, y)] working pixels of `image`, a
    PIL image as reader.open_photo gives it), at the best scale that fits between neighbours."""
    pixels = np.asarray(image)
    v, c, lum = reader._channels(pixels)
    levels = reader._pyramid(v, c, lum, reader._clipped_share(pixels) > reader.BRIGHT_CASE)
    spacing = min(math.dist(a, b) for a, b in zip(points, points[1:]))
    scales = reader._scales(spacing)
    return [max(reader._window_at(levels[k], x, y, spacing) for k in scales) for x, y in points], spacing


def lit_evidence(image, points):
    """The reader's lit evidence (noise units) at each of `points` ([(x, y)] working pixels of `image`)."""
    pixels = np.asarray(image)
    v, c, lum = reader._channels(pixels)
    levels = reader._pyramid(v, c, lum, reader._clipped_share(pixels) > reader.BRIGHT_CASE)
    spacing = min(math.dist(a, b) for a, b in zip(points, points[1:]))
    scales = reader._scales(spacing)
    return [reader._evidence(levels, scales, x, y, spacing) for x, y in points]


def real_lit(uploaded=False):
    """[(file, evidence)] of the real photos' lit lights on rows placed for sure, the files as they are or
    (`uploaded`) as the phone sends them."""
    from bench_led import as_phone_sends
    found = []
    for photo in json.loads((PHOTOS / "truth.json").read_text("utf-8")):
        data = (PHOTOS / photo["file"]).read_bytes()
        image = reader.open_photo(as_phone_sends(data) if uploaded else data)
        result = reader.read([image], catalog.custom(photo["labels_csv"].split(",")))
        leds = result.get("leds") or []
        if not leds or leds[0]["fit"] < reader.SURE_FIT:
            continue
        width, height = image.size
        evidence = lit_evidence(image, [(led["x"] * width, led["y"] * height) for led in leds])
        found += [(photo["file"], value) for value, truth in zip(evidence, photo["leds"]) if truth["state"] == "on"]
    return found


def rendered_lit(start, count):
    """[(seed, evidence)] of the renders' lit ("on") lights on good single photos, at their drawn places."""
    found = []
    for n in range(count):
        kind, bad = led_render.labelled_kind(n)
        if bad or kind != "single":
            continue
        case = led_render.make_case(start + n, kind)
        if len(case["where"]) < 2:
            continue
        image = reader.open_photo(case["photos"][0])
        scale = image.size[0] / reader.Image.open(io.BytesIO(case["photos"][0])).size[0]
        evidence = lit_evidence(image, [(x * scale, y * scale) for x, y in case["where"]])
        found += [(case["seed"], value) for value, truth in zip(evidence, case["truth"]) if truth["state"] == "on"]
    return found


def real_lenses():
    """[(file, contrast)] of the real photos' unlit lights on rows placed for sure."""
    found = []
    for photo in json.loads((PHOTOS / "truth.json").read_text("utf-8")):
        image = reader.open_photo((PHOTOS / photo["file"]).read_bytes())
        result = reader.read([image], catalog.custom(photo["labels_csv"].split(",")))
        leds = result.get("leds") or []
        if not leds or leds[0]["fit"] < reader.SURE_FIT:
            continue
        width, height = image.size
        contrast, _ = window_contrast(image, [(led["x"] * width, led["y"] * height) for led in leds])
        found += [(photo["file"], value) for value, truth in zip(contrast, photo["leds"]) if truth["state"] == "off"]
    return found


def rendered_lenses(start, count, faint_lenses=False):
    """[(seed, contrast, spacing)] of the renders' unlit lights on pale cases (good single photos); `faint_lenses`
    as led_render.conditions."""
    found = []
    for n in range(count):
        kind, bad = led_render.labelled_kind(n)
        if bad or kind != "single":
            continue
        case = led_render.make_case(start + n, kind, faint_lenses=faint_lenses)
        if sum(case["conditions"]["panel"]) < 3 * 128 or len(case["where"]) < 2:
            continue
        image = reader.open_photo(case["photos"][0])
        scale = image.size[0] / reader.Image.open(io.BytesIO(case["photos"][0])).size[0]
        contrast, spacing = window_contrast(image, [(x * scale, y * scale) for x, y in case["where"]])
        found += [(case["seed"], value, spacing) for value, truth in zip(contrast, case["truth"])
                  if truth["state"] == "off"]
    return found


def quantile(values, q):
    """The `q` quantile of `values` (the nearest rank, as printed)."""
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def quantiles(values):
    return "  ".join(f"{q:.0%} {quantile(values, q):6.1f}" for q in QUANTILES)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", type=int, default=5000)
    parser.add_argument("--count", type=int, default=150)
    args = parser.parse_args()
    real = real_lenses()
    print(f"real photos, unlit lights on rows placed for sure: {len(real)} lights of "
          f"{len({name for name, _ in real})} photos")
    print("  " + quantiles([value for _, value in real]))
    for faint, drawn in ((True, "6-32 (before)"), (False, f"LENS {led_render.LENS}")):
        rendered = rendered_lenses(args.start, args.count, faint)
        print(f"renders {args.start}–{args.start + args.count - 1}, lenses drawn at {drawn}, unlit lights on pale "
              f"cases: {len(rendered)}")
        print("  " + quantiles([value for _, value, _ in rendered]))
        wide = [value for _, value, spacing in rendered if spacing >= 30]
        if wide:
            print(f"  of them with lights at least 30 working pixels apart (the real photos measured: 39–73): {len(wide)}")
            print("  " + quantiles(wide))
    for uploaded, how in ((False, "as they are"), (True, "as uploaded")):
        lit = real_lit(uploaded)
        print(f"real photos {how}, lit lights on rows placed for sure: {len(lit)} lights of "
              f"{len({name for name, _ in lit})} photos, lit evidence (noise units)")
        print("  " + quantiles([value for _, value in lit]))
    rendered = rendered_lit(args.start, args.count)
    print(f"renders {args.start}–{args.start + args.count - 1}, lit lights of good single photos: {len(rendered)}")
    print("  " + quantiles([value for _, value in rendered]))


if __name__ == "__main__":
    main()
