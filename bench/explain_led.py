"""Why the LED reader read each light as it did: per-light evidence on the real photos (or any photo).

For each photo: where the row was placed (first and last light, spacing) and which of the
reader's calibrations it used, and per light the expected position, the pixels measured
there (brightest value, chroma and hue within a quarter of the spacing), the lit evidence and
p(lit), the state and, beside it, what truth.json says. Nothing here changes the reader; it
reads the photos the tests and the benchmark read.

Run from the project root:
  .venv/bin/python bench/explain_led.py                      # the real photos in ../shared/led-photos
  .venv/bin/python bench/explain_led.py photo.jpg POWER,PON,LOS,LAN
"""
import json
import math
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from webapp.led import catalog, reader  # noqa: E402

PHOTOS = ROOT.parent / "shared" / "led-photos"


def measured(rgb, x, y, reach):
    """(brightest value, its chroma, chroma-weighted hue in degrees) within `reach` pixels of (x, y)."""
    h, w, _ = rgb.shape
    patch = rgb[max(0, int(y) - reach):min(h, int(y) + reach + 1), max(0, int(x) - reach):min(w, int(x) + reach + 1)]
    if patch.size == 0:
        return 0, 0, None
    flat = patch.reshape(-1, 3).astype(np.float64)
    value, chroma = flat.max(1), flat.max(1) - flat.min(1)
    top = int(np.argmax(value))
    r, g, b = flat[:, 0], flat[:, 1], flat[:, 2]
    angle = np.arctan2(math.sqrt(3) * (g - b), 2 * r - g - b)
    weight = chroma ** 2
    hue = math.degrees(math.atan2((np.sin(angle) * weight).sum(), (np.cos(angle) * weight).sum())) % 360 if weight.sum() else None
    return int(value[top]), int(chroma[top]), None if hue is None else round(hue)


def explain(name, data, labels, truth=None):
    image = reader.open_photo(data)
    model = catalog.custom(labels)
    result = reader.read([image], model)
    print(f"\n{name}  working size {image.width}×{image.height}")
    if not result["quality"]["ok"]:
        print(f"  retake: {', '.join(result['quality']['problems'])}")
        return
    leds = result["leds"]
    points = [(led["x"] * image.width, led["y"] * image.height) for led in leds]
    spacing = min((math.dist(a, b) for a, b in zip(points, points[1:])), default=8.0)
    print(f"  row from ({leds[0]['x']:.3f}, {leds[0]['y']:.3f}) to ({leds[-1]['x']:.3f}, {leds[-1]['y']:.3f})"
          f" (fractions of the image), spacing {spacing:.0f} working pixels; calibration '{leds[0].get('placed')}'")
    rgb = np.asarray(image)
    reach = max(2, int(0.25 * spacing))
    print(f"  {'light':<9}{'at (x, y)':<17}{'max V':>6}{'chroma':>7}{'hue':>5}{'evidence':>9}{'p(lit)':>8}  {'read':<16}{'truth':<8}")
    for k, led in enumerate(result["leds"]):
        x, y = led["x"] * image.width, led["y"] * image.height
        value, chroma, hue = measured(rgb, x, y, reach)
        state = led["state"] + (f" ({led['lean']})" if led.get("lean") else "")
        if led["state"] not in ("off", "unsure") and led["color"]:
            state += f" {led['color']}"
        said = truth[k]["state"] if truth else ""
        print(f"  {led['label']:<9}({led['x']:.3f}, {led['y']:.3f})  {value:>6}{chroma:>7}{'' if hue is None else hue:>5}"
              f"{led['evidence']:>9.2f}{led['p_lit']:>8.2f}  {state:<16}{said:<8}")


def main():
    if len(sys.argv) == 3:
        path = pathlib.Path(sys.argv[1])
        explain(path.name, path.read_bytes(), catalog.parse_labels(sys.argv[2]))
        return
    for photo in json.loads((PHOTOS / "truth.json").read_text("utf-8")):
        explain(photo["file"], (PHOTOS / photo["file"]).read_bytes(), photo["labels_csv"].split(","), photo["leds"])


if __name__ == "__main__":
    main()
