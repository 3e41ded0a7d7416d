"""Fit the LED reader's p(lit) curve (reader.CALIBRATION) on renders held out from the benchmark.

Renders single photos from seeds the benchmark and the tests never use (90000 on), reads
them, and fits p(lit) as a rising step function of the light's evidence (isotonic regression,
pool-adjacent-violators, steps of at least 25 lights) on one half; prints the table to paste
into webapp/led/reader.py and how it scores on the other half.

Run from the project root:  .venv/bin/python bench/calibrate_led.py [--cases 120]
"""
import argparse
import math
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import led_render  # noqa: E402
from webapp.led import reader  # noqa: E402

START = 90000


def samples(count):
    """{placed: ((log evidence, ...), (lit, ...))} for every light of accepted good single photos."""
    found = {"sure": ([], []), "doubtful": ([], [])}
    for n in range(count):
        case = led_render.make_case(START + n, "single")
        result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
        if not result["quality"]["ok"]:
            continue
        for truth, led in zip(case["truth"], result["leds"]):
            xs, ys = found[led["placed"]]
            xs.append(math.log(max(led["evidence"], 1e-3)))
            ys.append(1.0 if truth["state"] != "off" else 0.0)
    return {placed: (np.array(xs), np.array(ys)) for placed, (xs, ys) in found.items()}


def isotonic(x, y, smallest=25):
    """Pool adjacent violators: [(evidence upper bound, p(lit))], rising, each step ≥ `smallest` lights."""
    order = np.argsort(x)
    blocks = []  # [sum lit, count, largest x]
    for i in order:
        blocks.append([y[i], 1, x[i]])
        while len(blocks) > 1 and (blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]
                                   or blocks[-2][1] < smallest):
            lit, count, top = blocks.pop()
            blocks[-1][0] += lit
            blocks[-1][1] += count
            blocks[-1][2] = top
    return [(round(float(math.exp(top)), 3), round(float(lit / count), 3)) for lit, count, top in blocks]


def p_of(table, x):
    for top, p in table:
        if x <= math.log(max(top, 1e-3)):
            return p
    return table[-1][1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=120)
    args = parser.parse_args()
    for placed, (x, y) in samples(args.cases).items():
        half = len(x) // 2
        if half < 25:
            print(f"{placed}: only {len(x)} lights")
            continue
        table = isotonic(x[:half], y[:half])
        p = np.array([p_of(table, v) for v in x[half:]])
        print(f"{placed}: {len(x)} lights; fitted on {half}:\n    \"{placed}\": {table},")
        print("  held-out half, stated p(lit) against how often the light was lit:")
        for low in np.arange(0, 1, 0.1):
            inside = (p >= low) & (p < low + 0.1)
            if inside.any():
                print(f"    {low:.1f}–{low + 0.1:.1f}: {y[half:][inside].mean():.2f} lit of {inside.sum()}")


if __name__ == "__main__":
    main()
