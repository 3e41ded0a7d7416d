"""Fit the LED reader's p(lit) curve (reader.CALIBRATION) on renders held out from the benchmark.

Renders single photos from seeds the benchmark and the tests never use (90000 on), reads
them, and fits p(lit) as a rising step function of the light's evidence (isotonic regression,
pool-adjacent-violators, steps of at least 25 lights) on one half; prints the table to paste
into webapp/led/reader.py and how it scores on the other half.

With --rates N it fits reader.RIGHT_RATE instead: how often a decided light was right, by
capture, state and how firmly the row was placed, on N renders of seeds 20000 on (single photos
and bursts as the benchmark draws them).

Run from the project root:  .venv/bin/python bench/calibrate_led.py [--cases 120] [--rates 330]
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


RATES_START = 20000


def rates(count):
    """reader.RIGHT_RATE: how often a decided light was right, by capture, state and placement.

    Reads labelled_set(count, start=RATES_START) (single photos and bursts, as the benchmark
    draws them, on seeds it never uses) with the rates switched off, so each light's own
    decision is counted; prints the table to paste and each group's count.
    """
    saved, reader.RIGHT_RATE = reader.RIGHT_RATE, {}
    groups = {}
    try:
        for case in led_render.labelled_set(count, start=RATES_START):
            if case["bad"]:
                continue
            result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
            capture = "burst" if case["kind"] == "burst" else "photo"
            firm = "firm" if reader.row_shown(result["leds"]) >= reader.SHOWN_FIRM else "loose"
            for truth, led in zip(case["truth"], result["leds"]):
                state = led["state"]
                if state == "unsure":
                    continue  # unsure before any rate: not a decision
                for key in ((capture, state, firm), (capture, state)):
                    right, total = groups.get(key, (0, 0))
                    groups[key] = (right + (truth["state"] == state), total + 1)
    finally:
        reader.RIGHT_RATE = saved
    print("RIGHT_RATE = {")
    for key, (right, total) in sorted(groups.items(), key=lambda item: (len(item[0]), item[0])):
        if total >= 10:
            name = "(" + ", ".join(f'"{part}"' for part in key) + ")"
            print(f"    {name}: {right / total:.2f},  # {right}/{total}")
    print("}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=120)
    parser.add_argument("--rates", type=int, metavar="CASES", help="fit reader.RIGHT_RATE instead, on this many renders")
    args = parser.parse_args()
    if args.rates:
        rates(args.rates)
        return
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
