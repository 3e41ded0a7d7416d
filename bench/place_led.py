"""Rows placed where the lights are, by what is behind the panel: the LED reader on render seeds.

For each good case of the renderer's set from `--start` (`--count` cases, the benchmark's mix of
single photos and bursts): whether the row was placed right (every light within 0.3 of the drawn
lights' spacing, as bench_led.py counts it), and, for rows placed wrong, what the renderer drew
behind the box (tests/led_render.py conditions' "clutter": plain, shelf, pegboard, cables, wood)
and whether the lights were hidden until lit. Then the states as bench_led.py counts them on the
accepted photos: right, unsure, decided right, lit read off, good sent back.

Run from the project root (dev seeds only; never the benchmark's 1000–1329):
  .venv/bin/python bench/place_led.py --start 5000 --count 400 [--json out.json]
"""
import argparse
import collections
import io
import json
import math
import os
import pathlib
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import led_render  # noqa: E402
from webapp.led import reader  # noqa: E402


def placed_right(result, case):
    """Whether every light of `result` lies within 0.3 of the drawn spacing of where `case` drew it."""
    width, height = reader.Image.open(io.BytesIO(case["photos"][0])).size
    spacing = min(math.dist(a, b) for a, b in zip(case["where"], case["where"][1:]))
    return all(math.hypot(led["x"] * width - x, led["y"] * height - y) <= 0.3 * spacing
               for led, (x, y) in zip(result["leds"], case["where"]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", type=int, default=5000)
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--json", help="write each case's figures here")
    args = parser.parse_args()
    rows, wrong = [0, 0], collections.Counter()
    states, sent_back, lit_off = collections.Counter(), 0, 0
    cases = []
    for case in led_render.labelled_set(args.count, args.start):
        if case["bad"] or len(case["where"]) < 2:
            continue
        result = reader.read([reader.open_photo(p) for p in case["photos"]], case["told"])
        c = case["conditions"]
        kind = c["clutter"] + (" hidden" if c["hidden"] else "")
        entry = {"seed": case["seed"], "kind": case["kind"], "clutter": kind, "ok": result["quality"]["ok"]}
        if not result["quality"]["ok"]:
            sent_back += 1
        else:
            right = placed_right(result, case)
            rows[0] += right
            rows[1] += 1
            if not right:
                wrong[kind] += 1
            entry["placed"] = right
            entry["states"] = []
            for truth, led in zip(case["truth"], result["leds"]):
                outcome = "unsure" if led["state"] == "unsure" else "right" if led["state"] == truth["state"] else "wrong"
                states[outcome] += 1
                lit_off += truth["state"] != "off" and led["state"] == "off"
                entry["states"].append(outcome)
        cases.append(entry)
    total = sum(states.values())
    decided = states["right"] + states["wrong"]
    print(f"seeds {args.start}–{args.start + args.count - 1}: rows placed right {rows[0]}/{rows[1]}")
    print("misplaced by what is behind: " + ", ".join(f"{k} {v}" for k, v in sorted(wrong.items())))
    print(f"states right {states['right']}/{total} = {states['right'] / max(1, total):.1%}, unsure {states['unsure']}, "
          f"decided right {states['right']}/{decided} = {states['right'] / max(1, decided):.1%}, "
          f"lit read off {lit_off}, good sent back {sent_back}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(cases))


if __name__ == "__main__":
    main()
