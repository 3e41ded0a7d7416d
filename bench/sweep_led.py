"""The LED reader on the real photos between the benchmark's settings: as uploaded, under casts, brightened, turned a little.

bench_led.py reads the real photos of ../shared/led-photos at a few fixed settings (uploaded at ×0.85, ×1, ×1.15;
four casts at ×0.85–1.3; turned by right angles). A rule tuned on those can still fail just beside them (reviews
of readers .34 and .35: panel_03 under a cast at ×1.27 turned 2.4° read its lit PON off). This sweep reads every
photo as the phone uploads it (bench_led.as_phone_sends), turned by TURNS degrees (its corners cut away as a phone's
crop would), times each of CASTS' channel gains and each of EXPOSURES, saved at JPEG 85: 8 photos × 6 casts ×
7 exposures × 3 turns = 1,008 readings. It prints, for this checkout and for the reader of `--baseline` (a revision,
read in the same run from a `git archive` of its webapp/), the lights read right, the lights decided wrong (each
named) and the photos sent back.

Run from the project root:  .venv/bin/python bench/sweep_led.py [--baseline main] [--jobs 2]
The exit code is 0 whatever the figures: this is a benchmark, not a test.
"""
import argparse
import io
import json
import os
import pathlib
import subprocess
import sys
import tarfile
import tempfile
from multiprocessing import Pool

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import bench_led  # noqa: E402  (honours BENCH_LED_READER: the baseline's webapp/ first on the path)

reader, catalog = bench_led.reader, bench_led.catalog
PHOTOS = bench_led.PHOTOS
CASTS = {"none": (1.0, 1.0, 1.0), **bench_led.PHONE_CASTS, "green": (0.95, 1.05, 0.95)}
EXPOSURES = (0.9, 1.0, 1.07, 1.13, 1.18, 1.23, 1.27)
TURNS = (0.0, -2.4, 2.4)  # degrees: a phone held a little off level
TRUTH = json.loads((PHOTOS / "truth.json").read_text("utf-8")) if (PHOTOS / "truth.json").exists() else []


def photo_as_swept(data, gains, exposure, turn):
    """JPEG bytes (quality PHONE_QUALITY) of a real photo `data` as uploaded, turned `turn` degrees (bicubic; 5 % of
    the long side cut from every edge when turned), its channels times `gains` and `exposure`, clipped at 255."""
    image = reader.Image.open(io.BytesIO(bench_led.as_phone_sends(data))).convert("RGB")
    if turn:
        image = image.rotate(turn, resample=reader.Image.BICUBIC)
        margin = int(0.05 * max(image.size))
        image = image.crop((margin, margin, image.width - margin, image.height - margin))
    pixels = np.asarray(image, np.float32) * np.array(gains, np.float32) * exposure
    out = io.BytesIO()
    reader.Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=bench_led.PHONE_QUALITY)
    return out.getvalue()


def settings():
    """Every (photo index, cast, exposure, turn) swept."""
    return [(i, cast, exposure, turn) for i in range(len(TRUTH)) for cast in CASTS for exposure in EXPOSURES
            for turn in TURNS]


def read_one(setting):
    """(name, [(truth state, state, confidence)] or None when sent back, problems)."""
    i, cast, exposure, turn = setting
    photo = TRUTH[i]
    data = photo_as_swept((PHOTOS / photo["file"]).read_bytes(), CASTS[cast], exposure, turn)
    result = reader.read([reader.open_photo(data)], catalog.custom(photo["labels_csv"].split(",")))
    name = f"{photo['file']} {cast} ×{exposure:g} {turn:+g}°"
    if not result["quality"]["ok"]:
        return name, None, result["quality"]["problems"]
    return name, [(t["state"], led["state"], led["confidence"]) for t, led in zip(photo["leds"], result["leds"])], []


def sweep(jobs):
    """The readings of every setting by this process's reader, `jobs` processes at a time."""
    with Pool(jobs) as pool:
        return pool.map(read_one, settings(), chunksize=4)


def report(title, readings):
    right = lights = 0
    wrong, back = [], 0
    for name, leds, _problems in readings:
        if leds is None:
            back += 1
            continue
        for truth, state, confidence in leds:
            if truth == "unknown":
                continue
            lights += 1
            right += state == truth
            if state not in ("unsure", truth):
                wrong.append(f"{name}: {truth}→{state} {confidence:.2f}")
    print(f"\n{title}: {right}/{lights} lights right ({right / max(1, lights):.1%}), {len(wrong)} decided wrong, "
          f"{back}/{len(readings)} photos sent back")
    for line in wrong:
        print(f"  decided wrong: {line}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="main", help="the revision whose reader is read beside (default main)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # the baseline's readings, as JSON on stdout
        json.dump(sweep(args.jobs), sys.stdout)
        return
    print(f"Real photos ({PHOTOS}) as uploaded, under casts {', '.join(CASTS)}, at exposure × "
          f"{', '.join(f'{e:g}' for e in EXPOSURES)}, turned {', '.join(f'{t:+g}°' for t in TURNS)}: "
          f"{len(settings())} readings each")
    with tempfile.TemporaryDirectory(prefix="sweep-led-") as folder:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "webapp"], capture_output=True,
                                 check=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        worker = subprocess.run([sys.executable, __file__, "--worker", "--jobs", str(args.jobs)], check=True,
                                env=dict(os.environ, BENCH_LED_READER=folder), capture_output=True, text=True)
    report(f"{args.baseline} (baseline, same run)", [tuple(r) for r in json.loads(worker.stdout)])
    report(f"this checkout (reader {reader.VERSION})", sweep(args.jobs))


if __name__ == "__main__":
    main()
