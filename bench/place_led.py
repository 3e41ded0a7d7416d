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


def outcome(case, result):
    """One case's figures: {"seed", "kind", "clutter", "ok", and on an accepted photo "placed" and "states"
    (per light "right", "wrong", "unsure" or "lit_off": a lit light read off)}."""
    c = case["conditions"]
    entry = {"seed": case["seed"], "kind": case["kind"], "clutter": c["clutter"] + (" hidden" if c["hidden"] else ""),
             "ok": result["quality"]["ok"]}
    if entry["ok"]:
        entry["placed"] = placed_right(result, case)
        entry["states"] = ["unsure" if led["state"] == "unsure" else "right" if led["state"] == truth["state"]
                           else "lit_off" if truth["state"] != "off" and led["state"] == "off" else "wrong"
                           for truth, led in zip(case["truth"], result["leds"])]
    return entry


def summary(entries):
    """The figures of `entries` (outcome's), as printed lines."""
    accepted = [e for e in entries if e["ok"]]
    wrong = collections.Counter(e["clutter"] for e in accepted if not e["placed"])
    states = collections.Counter(s for e in accepted for s in e["states"])
    decided = states["right"] + states["wrong"] + states["lit_off"]
    total = decided + states["unsure"]
    return [f"rows placed right {sum(e['placed'] for e in accepted)}/{len(accepted)}",
            "misplaced by what is behind: " + ", ".join(f"{k} {v}" for k, v in sorted(wrong.items())),
            f"states right {states['right']}/{total} = {states['right'] / max(1, total):.1%}, unsure {states['unsure']}, "
            f"decided right {states['right']}/{decided} = {states['right'] / max(1, decided):.1%}, "
            f"lit read off {states['lit_off']}, good sent back {len(entries) - len(accepted)}"]


def good_cases(start, count):
    """The renderer's good cases of seeds start … start + count − 1 (bench_led's mix)."""
    for case in led_render.labelled_set(count, start):
        if not case["bad"] and len(case["where"]) > 1:
            yield case


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", type=int, default=5000)
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--json", help="write each case's figures here")
    args = parser.parse_args()
    entries = [outcome(case, reader.read([reader.open_photo(p) for p in case["photos"]], case["told"]))
               for case in good_cases(args.start, args.count)]
    print(f"seeds {args.start}–{args.start + args.count - 1}:")
    print("\n".join(summary(entries)))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(entries))


if __name__ == "__main__":
    main()
