"""Fit the LED reader's calibration (reader.CALIBRATION, ROW_RIGHT, PRIOR_LIT) on held-out renders.

Renders single photos from seeds the benchmark and the tests never use (90000 on) and reads
them. The renderer knows where each light is (`where`), so a reading's row is right when every
light was placed within 0.3 of the spacing of its true centre. The tables to paste are fitted on
every sample; the same fit on one half is checked on the other (stated probability against how
often it came true):

- CALIBRATION: p(lit) as a rising step function of a light's evidence, on rows placed right
  (isotonic regression, pool-adjacent-violators, steps of at least 25 lights);
- ROW_RIGHT: p(row placed right) as a rising step function of the best placement's share of
  the likely placements, separately when lit spots lie off the row ("stray") or not ("clean");
- PRIOR_LIT: how often a light is lit at all (what a light on a misplaced row is worth).

No real photo is used: ../shared/led-photos stays the judge.

Run from the project root:  .venv/bin/python bench/calibrate_led.py [--cases 200]
"""
import argparse
import io
import math
import pathlib
import sys

import numpy as np
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import led_render  # noqa: E402
from webapp.led import reader  # noqa: E402

START = 90000


def row_right(case, result):
    """Whether every light was placed within 0.3 of the spacing of where the renderer drew it."""
    width, height = Image.open(io.BytesIO(case["photos"][0])).size
    spacing = result["row"]["spacing"] * max(width, height)
    return all(math.hypot(led["x"] * width - x, led["y"] * height - y) <= 0.3 * spacing
               for led, (x, y) in zip(result["leds"], case["where"]))


def samples(count):
    """(lights on right rows: (evidence, lit)), (rows: {placed: (share, right)}), (every light: lit)."""
    lights, rows, every = ([], []), {"clean": ([], []), "stray": ([], [])}, []
    for n in range(count):
        case = led_render.make_case(START + n, "single")
        result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
        if not result["quality"]["ok"]:
            continue
        right = row_right(case, result)
        shares, outcomes = rows[result["row"]["placed"]]
        shares.append(result["row"]["weight"])
        outcomes.append(1.0 if right else 0.0)
        for truth, led in zip(case["truth"], result["leds"]):
            every.append(truth["state"] != "off")
            if right:
                lights[0].append(math.log(max(led["evidence"], 1e-3)))
                lights[1].append(1.0 if truth["state"] != "off" else 0.0)
    return (np.array(lights[0]), np.array(lights[1])), {k: (np.array(a), np.array(b)) for k, (a, b) in rows.items()}, every


def isotonic(x, y, smallest=25):
    """Pool adjacent violators: [(x upper bound, p)], rising, each step ≥ `smallest` samples."""
    order = np.argsort(x, kind="stable")
    blocks = []  # [sum, count, largest x]
    for i in order:
        blocks.append([y[i], 1, x[i]])
        while len(blocks) > 1 and (blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]
                                   or blocks[-2][1] < smallest):
            total, count, top = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
            blocks[-1][2] = top
    # Laplace's rule of succession: a step where everything came true says (k + 1) / (n + 2), not 1.
    return [(float(top), round(float((total + 1) / (count + 2)), 3)) for total, count, top in blocks]


def step(table, x):
    for top, p in table:
        if x <= top:
            return p
    return table[-1][1]


def check(table, x, y):
    p = np.array([step(table, v) for v in x])
    for low in np.arange(0, 1, 0.1):
        inside = (p >= low) & (p < low + 0.1 + (low >= 0.9))
        if inside.any():
            print(f"    stated {low:.1f}–{low + 0.1:.1f}: came true {y[inside].mean():.2f} of {inside.sum()}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    (x, y), rows, every = samples(args.cases)
    half = len(x) // 2
    table = isotonic(x[:half], y[:half])
    print(f"CALIBRATION ({len(x)} lights on rows placed right), fitted on all of them (to paste):")
    print("    CALIBRATION = " + str([(round(math.exp(top), 3), p) for top, p in isotonic(x, y)]))
    print(f"  the same fit on the first {half}, checked on the rest:")
    check(table, x[half:], y[half:])
    print("ROW_RIGHT:")
    for placed, (share, right) in rows.items():
        half = len(share) // 2
        if half < 10:
            print(f"    {placed}: only {len(share)} rows; keep one step at their rate {right.mean() if len(right) else 0:.2f}")
            continue
        table = isotonic(share[:half], right[:half], smallest=12)
        print(f"    \"{placed}\": {[(round(top, 3), p) for top, p in isotonic(share, right, smallest=12)]},"
              f"  ({len(share)} rows, {right.mean():.0%} right; fitted on all, to paste)")
        print(f"  the same fit on the first {half}, checked on the rest:")
        check(table, share[half:], right[half:])
    print(f"PRIOR_LIT = {np.mean(every):.2f}  ({len(every)} lights)")


if __name__ == "__main__":
    main()
