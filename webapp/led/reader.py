"""Reads an ONT's or router's LEDs from a photo, or from a burst of frames.

The capture screen shows a guide: the technician puts the first LED on its left mark, the
last on its right mark, the row on its line (GUIDE_LEFT, GUIDE_RIGHT, the middle line). The
photo is decoded small (JPEG draft mode), checked (dark, blurred, over-exposed, too far, no
panel), and then read along the row:

- a lit LED is brighter or more colourful than its surroundings (a top-hat on value and on
  chroma), and coloured: a white spot is a reflection, not an LED;
- an off LED is only a window in the panel, so off LEDs are placed by the model's template
  (its LEDs' positions from the catalog) fitted to the row: lit LEDs must land on slots,
  windows should, and the guide is where the technician aimed;
- the colour is the chroma-weighted mean hue around the LED (the core is often clipped to
  white), restricted to the colours that LED has;
- in a burst each LED gives an on/off series: never lit is off, always lit is on, anything
  between is blinking. A single photo cannot tell blinking from steady.

Numbers are in pixels of the working image (WORK_WIDTH wide) unless named as fractions.
"""
import math

import numpy as np
from PIL import Image

from ..images import MAX_BYTES as FILE_BYTES, MAX_PIXELS, ImageProblem, open_checked, to_8bit, upright

VERSION = "2026-11-22.1"
GUIDE_LEFT, GUIDE_RIGHT = 0.15, 0.85
WORK_WIDTH = 960
BAND = 0.16  # half-height of the searched band, as a fraction of the width
MAX_BYTES = FILE_BYTES
MAX_FRAMES = 90
FILE_PROBLEMS = {
    "empty": "The file is empty.",
    "too_big": f"The photo is too large ({FILE_BYTES // 1024 // 1024} MB at most).",
    "format": "Only photos can be read (JPEG, PNG, WebP, HEIC or AVIF).",
    "pixels": f"The photo has too many pixels ({MAX_PIXELS // 1_000_000} megapixels at most).",
    "unreadable": "This file is not a photo we can read.",
    "damaged": "The photo is damaged or incomplete; take it again.",
}
STILL_UNSURE = frozenset({"pon", "los", "alarm", "internet", "wan", "lan"})  # where flashing changes the diagnosis
CLASS_HUE = {"red": 0.0, "orange": 35.0, "green": 125.0, "other": 220.0}

RETAKE = {
    "too_dark": "Too dark: switch on a light or shine a torch at the panel from the side; flash off.",
    "blurry": "Blurred: hold the phone still with both hands and tap the screen on the lights to focus.",
    "over_exposed": "Too bright or glare: tilt the phone a little so the reflection moves off the lights; flash off.",
    "too_far": "Too far: move closer until the first and last light sit on the guide's end marks.",
    "no_panel": "No panel found: put the row of lights on the guide line, first light on the left mark.",
}


class PhotoError(ValueError):
    """A file that cannot be read as a photo; `code` is from RETAKE or a file problem."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def open_photo(data, draft=True, work_width=WORK_WIDTH):
    """Decode a photo safely and small: orientation applied, RGB, at most `work_width` wide.

    The checks are webapp/images.py's (size, pixels, bombs, format, truncation). With `draft`,
    a JPEG is decoded directly at 1/2, 1/4 or 1/8 scale, which is most of the speed.
    """
    def smaller(image):
        if draft and image.format in ("JPEG", "MPO"):  # MPO: a phone JPEG with a multi-picture index
            w, h = image.size
            if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # shown sideways: the stored height becomes the width
                image.draft("RGB", (work_width * w // max(1, h), work_width))
            else:
                image.draft("RGB", (work_width, work_width * h // max(1, w)))

    try:
        image = to_8bit(upright(open_checked(data, before_load=smaller)))
    except ImageProblem as problem:
        code = "pixels" if problem.code == "bomb" else problem.code
        raise PhotoError(code, FILE_PROBLEMS[code]) from None
    if image.width > work_width:
        height = max(1, round(image.height * work_width / image.width))
        image = image.resize((work_width, height), Image.Resampling.BOX)
    return image


def split_sheet(image, count):
    """A burst sent as one tall image: `count` frames stacked top to bottom."""
    if not isinstance(count, int) or not 1 <= count <= MAX_FRAMES or image.height % count:
        raise PhotoError("sheet", "The burst's frames do not fit the image they came in.")
    step = image.height // count
    return [image.crop((0, i * step, image.width, (i + 1) * step)) for i in range(count)]


def _box(a, r):
    """Mean over a (2r+1)² square, edges repeated (integral image)."""
    if r < 1:
        return a
    p = np.pad(a, ((r + 1, r), (r + 1, r)), mode="edge").cumsum(0).cumsum(1)
    k = 2 * r + 1
    return (p[k:, k:] - p[:-k, k:] - p[k:, :-k] + p[:-k, :-k]) / (k * k)


class _Frame:
    """The searched band of one frame: its colours, value (max channel), chroma and luminance."""

    def __init__(self, image, top, bottom):
        self.rgb = rgb = np.asarray(image.crop((0, top, image.width, bottom)), dtype=np.float32)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        hi = np.maximum(np.maximum(r, g), b)  # faster than reducing over the short last axis
        self.v, self.c = hi, hi - np.minimum(np.minimum(r, g), b)
        self.l = 0.299 * r + 0.587 * g + 0.114 * b

    def hue(self, rows, cols):
        """Hue in degrees of a patch."""
        patch = self.rgb[rows, cols]
        r, g, b = patch[..., 0], patch[..., 1], patch[..., 2]
        return np.degrees(np.arctan2(math.sqrt(3) * (g - b), 2 * r - g - b)) % 360


def _expected_spacing(model, width):
    """The smallest distance between neighbouring LEDs when the panel fills the guide."""
    xs = [led["x"] for led in model["leds"] if led["x"] is not None]
    span = (GUIDE_RIGHT - GUIDE_LEFT) * width
    if len(xs) > 1:
        return min(b - a for a, b in zip(xs, xs[1:])) * span
    return span / max(1, len(model["leds"]) - 1) / 1.6 if len(model["leds"]) > 1 else span / 3


def _expected_radius(model, width):
    return float(np.clip(0.2 * _expected_spacing(model, width), 2.5, 0.014 * width))


def _quality(frame, width):
    """Problems with a frame as a whole: dark, blurred, over-exposed."""
    problems = []
    lum = frame.l
    sample = lum[::2, ::2]
    p05, p75, p995 = np.percentile(sample, (0.5, 75, 99.5))
    if p75 < 40:
        problems.append("too_dark")
    if (sample >= 250).mean() > 0.15:
        problems.append("over_exposed")
    gx = np.abs(lum[::2, 2:] - lum[::2, :-2])
    gy = np.abs(lum[2:, ::2] - lum[:-2, ::2])
    steepest = max(np.percentile(gx, 99.7), np.percentile(gy, 99.7))
    sharp = steepest / (p995 - p05 + 1) * (width / WORK_WIDTH)
    if sharp < 0.22 and "too_dark" not in problems:
        problems.append("blurry")
    return problems, float(sharp)


def _spot(channel, r, far, sign=1.0):
    """How much each point stands out from eight points `far` away (the smallest difference).

    A spot (an LED, lit or as a window) differs from all of them; an edge, a printed label or
    a broad reflection has a neighbour like itself, so it scores low.
    """
    centre = _box(channel, max(1, int(round(0.5 * r)))) * sign
    padded = np.pad(centre, far, mode="edge")
    h, w = centre.shape
    lowest = None
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)):
        oy, ox = int(round(dy * far * (0.71 if dx else 1))), int(round(dx * far * (0.71 if dy else 1)))
        diff = centre - padded[far + oy:far + oy + h, far + ox:far + ox + w]
        lowest = diff if lowest is None else np.minimum(lowest, diff)
    return lowest


def _lit_map(frame, r):
    """Lit LEDs: spots brighter or more colourful than what is around them."""
    far = max(2, int(round(3 * r)))
    return np.maximum(_spot(frame.v, r, far), _spot(frame.c, r, far))


def _window_map(frame, r):
    """LED windows, lit or not: spots lighter or darker than the panel around them."""
    far = max(2, int(round(2 * r)))
    return np.maximum(_spot(frame.l, r, far), _spot(frame.l, r, far, -1.0))


def _row_from_windows(window, r, half, width):
    """The LED row when too few LEDs are lit to draw it: the line through the most windows."""
    h, w = window.shape
    norm = np.clip(window / max(6.0, float(np.percentile(window, 99)) * 0.5), 0, 1)
    xs = np.arange(w)
    ys = np.arange(int(2 * r), h - int(2 * r))
    best = (-1.0, half, 0.0)
    for slope in np.arange(-0.08, 0.081, 0.02):
        rows = np.clip(ys[:, None] + np.round(slope * (xs - w / 2)).astype(int)[None, :], 0, h - 1)
        sums = np.maximum(np.maximum(norm[rows, xs], norm[np.clip(rows - 1, 0, h - 1), xs]),
                          norm[np.clip(rows + 1, 0, h - 1), xs]).sum(1) - np.abs(ys - half) / width * 20
        k = int(np.argmax(sums))
        if sums[k] > best[0]:
            best = (float(sums[k]), float(ys[k]), float(slope))
    return best[1], best[2]


def _lit_points(lit, frame, r, threshold):
    """Centres of lit LEDs in the band: local maxima of the lit map that are coloured."""
    cell = max(3, int(r))
    h, w = lit.shape
    hh, ww = h // cell, w // cell
    blocks = lit[:hh * cell, :ww * cell].reshape(hh, cell, ww, cell).transpose(0, 2, 1, 3).reshape(hh, ww, -1)
    best, where = blocks.max(2), blocks.argmax(2)
    padded = np.pad(best, 1, constant_values=-1e9)
    neighbours = np.max([padded[1 + dy:1 + dy + hh, 1 + dx:1 + dx + ww] for dy in (-1, 0, 1) for dx in (-1, 0, 1)], axis=0)
    points = []
    chroma_reach = max(2, int(round(2 * r)))
    for cy, cx in zip(*np.nonzero((best >= threshold) & (best >= neighbours))):
        y = cy * cell + where[cy, cx] // cell
        x = cx * cell + where[cy, cx] % cell
        patch = frame.c[max(0, y - chroma_reach):y + chroma_reach + 1, max(0, x - chroma_reach):x + chroma_reach + 1]
        if np.percentile(patch, 90) >= 60:
            points.append((float(x), float(y), float(best[cy, cx])))
    return points


def _too_small(points, summary, model, r, threshold, width):
    """Lit LEDs much closer together than the model's when the panel fills the guide.

    Only for catalog models: for a panel named by the technician the spacing is unknown.
    When fewer than two LEDs stand out at the expected size, smaller spots are looked for.
    """
    if any(led["x"] is None for led in model["leds"]):
        return False
    spacing = _expected_spacing(model, width)
    candidates = points
    if len(points) < 2:
        small_r = max(1.5, r / 2.5)
        candidates = _lit_points(_lit_map(summary, small_r), summary, small_r, threshold)
    # One point per LED: a lit LED's ring of colour, or its trail in a shaken burst, can give
    # several maxima; along the row they are much closer than LEDs even at twice the distance.
    kept = []
    for point in sorted(candidates, key=lambda p: -p[2]):
        if all(abs(point[0] - k[0]) > max(1.5 * r if len(points) < 2 else 0, 0.22 * spacing) for k in kept):
            kept.append(point)
    if len(kept) < 2:
        return False
    xs = sorted(p[0] for p in kept)
    return float(np.min(np.diff(xs))) < 0.6 * spacing


def _fit_line(points, r, centre_y, width):
    """The LED row through the lit points: (y at the middle of the width, slope)."""
    if not points:
        return centre_y, 0.0
    if len(points) == 1:
        return points[0][1], 0.0
    best = (-1.0, centre_y, 0.0)
    tolerance = max(2.0, 0.8 * r)
    xs = np.array([p[0] for p in points])
    ys = np.array([p[1] for p in points])
    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            dx = xs[j] - xs[i]
            if abs(dx) < 2 * r:
                continue
            slope = (ys[j] - ys[i]) / dx
            if abs(slope) > 0.18:
                continue
            y_mid = ys[i] + slope * (width / 2 - xs[i])
            inliers = np.abs(ys - (y_mid + slope * (xs - width / 2))) <= tolerance
            score = inliers.sum() - abs(y_mid - centre_y) / (width * 0.5)
            if score > best[0]:
                if inliers.sum() >= 2:  # refine with every inlier
                    slope, intercept = np.polyfit(xs[inliers], ys[inliers], 1)
                    y_mid = intercept + slope * width / 2
                best = (score, y_mid, slope)
    if best[0] < 0:
        strongest = max(points, key=lambda p: p[2])
        return strongest[1], 0.0
    return best[1], best[2]


def _along(array, y_mid, slope, reach):
    """Sample `array` along the row: for every x, the max within ±reach rows."""
    h, w = array.shape
    xs = np.arange(w)
    centre = np.round(y_mid + slope * (xs - w / 2)).astype(int)
    offsets = np.arange(-reach, reach + 1)[:, None]
    rows = np.clip(centre[None, :] + offsets, 0, h - 1)
    values = array[rows, xs[None, :]]
    return values.max(0)


def _peaks(profile, min_gap, floor):
    """Positions of local maxima above `floor`, at least `min_gap` apart, strongest first."""
    order = np.argsort(profile)[::-1]
    taken = []
    for x in order:
        if profile[x] < floor:
            break
        if all(abs(x - t) >= min_gap for t in taken):
            taken.append(int(x))
    return taken


def _fit_template(slots, lit_at, evidence, width):
    """Place the model's slots on the row: the (first, span) that explains what is seen best.

    Score: window evidence under every slot, plus lit LEDs that land on a slot, minus lit
    LEDs between the ends that land on none, minus a little for straying from the guide.
    Returns (first, span, margin over the best placement that reads differently, score).
    """
    span0, first0 = (GUIDE_RIGHT - GUIDE_LEFT) * width, GUIDE_LEFT * width
    slots = np.asarray(slots, dtype=np.float32)
    gap = float(np.min(np.diff(slots))) if len(slots) > 1 else 1.0
    lit_at = np.asarray(lit_at, dtype=np.float32)

    def score(firsts, spans):
        xs = firsts[:, None, None] + spans[None, :, None] * slots[None, None, :]
        tol = np.maximum(2.0, 0.3 * gap * spans)[None, :]
        idx = np.clip(np.round(xs).astype(int), 0, width - 1)
        total = evidence[idx].sum(2)
        if lit_at.size:
            distance = np.abs(xs[..., None] - lit_at[None, None, None, :]).min(2)  # (firsts, spans, lit)
            matched = (distance <= tol[..., None]).sum(2)
            covered = ((lit_at[None, None, :] >= xs[..., :1] - tol[..., None])
                       & (lit_at[None, None, :] <= xs[..., -1:] + tol[..., None])).sum(2)
            total = total + 2.5 * matched - 4.0 * (covered - matched)
        total = total - np.abs(firsts[:, None] - first0) / width * 4 - np.abs(spans[None, :] / span0 - 1) * 2
        total[(firsts[:, None] + spans[None, :]) > 0.985 * width] = -1e9
        return total

    firsts = np.arange(0.02 * width, 0.55 * width, 4.0, dtype=np.float32)
    spans = np.arange(0.2 * width, 0.95 * width, 4.0, dtype=np.float32)
    coarse = score(firsts, spans)
    i, j = np.unravel_index(np.argmax(coarse), coarse.shape)
    first, span = firsts[i], spans[j]
    # The best placement that would put the LEDs on other slots, for the confidence.
    shifted = (np.abs(firsts[:, None] - first) >= 0.5 * gap * span) | (np.abs(spans[None, :] - span) >= gap * span)
    rival = float(coarse[shifted].max()) if shifted.any() else -1e9
    fine_firsts = np.arange(first - 4, first + 4.01, 1.0, dtype=np.float32)
    fine_spans = np.arange(span - 4, span + 4.01, 1.0, dtype=np.float32)
    fine = score(fine_firsts, fine_spans)
    k, m = np.unravel_index(np.argmax(fine), fine.shape)
    best = float(fine[k, m])
    return float(fine_firsts[k]), float(fine_spans[m]), best - rival, best


def _series(frames, xs, y_mid, slope, tol, reach, r):
    """Each slot's lit strength in every frame of a burst: the lit map, worked out only around the slots.

    Integral images make each box mean four lookups, so a frame costs a few milliseconds
    instead of a whole lit map.
    """
    h, w = frames[0].v.shape
    small, far = max(1, int(round(0.5 * r))), max(2, int(round(3 * r)))
    dxs = np.arange(-int(tol), int(tol) + 1)
    dys = np.arange(-reach, reach + 1)
    px = (np.asarray(xs)[:, None, None] + dxs[None, :, None] + 0 * dys[None, None, :]).astype(int)
    py = np.round(y_mid + slope * (px - w / 2)).astype(int) + dys[None, None, :]
    px, py = np.clip(px, 0, w - 1), np.clip(py, 0, h - 1)
    offsets = [(int(round(dy * far * (0.71 if dx else 1))), int(round(dx * far * (0.71 if dy else 1))))
               for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))]

    def box_at(table, y, x):
        y0, y1 = np.clip(y - small, 0, h), np.clip(y + small + 1, 0, h)
        x0, x1 = np.clip(x - small, 0, w), np.clip(x + small + 1, 0, w)
        total = table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]
        return total / np.maximum(1, (y1 - y0) * (x1 - x0))

    # Only the rows the slots and their neighbours reach are summed.
    first_row = max(0, int(py.min()) - far - small - 1)
    last_row = min(h, int(py.max()) + far + small + 2)
    py = py - first_row
    h = last_row - first_row
    result = np.zeros((len(xs), len(frames)))
    for k, frame in enumerate(frames):
        best = None
        for channel in (frame.v[first_row:last_row], frame.c[first_row:last_row]):
            table = np.zeros((h + 1, w + 1))
            table[1:, 1:] = channel.cumsum(0, dtype=np.float64).cumsum(1)
            centre = box_at(table, py, px)
            lowest = None
            for oy, ox in offsets:
                diff = centre - box_at(table, np.clip(py + oy, 0, h - 1), np.clip(px + ox, 0, w - 1))
                lowest = diff if lowest is None else np.minimum(lowest, diff)
            best = lowest if best is None else np.maximum(best, lowest)
        result[:, k] = best.reshape(len(xs), -1).max(1)
    return list(result)


def _colour(frame, x, y, r, allowed):
    """The LED's colour class and a confidence, from the chroma-weighted hue around it."""
    reach = max(2, int(round(2.5 * r)))
    y0, x0 = max(0, int(y) - reach), max(0, int(x) - reach)
    rows, cols = slice(y0, int(y) + reach + 1), slice(x0, int(x) + reach + 1)
    chroma = frame.c[rows, cols]
    hue = frame.hue(rows, cols)
    weight = np.clip(chroma - np.median(chroma) - 25, 0, None)  # the LED's colour, not the panel's tint
    if weight.sum() <= 0:
        return ("other" if "other" in allowed else allowed[0]), 0.4
    angle = np.radians(hue)
    mean = math.degrees(math.atan2((np.sin(angle) * weight).sum(), (np.cos(angle) * weight).sum())) % 360
    distances = sorted((abs((mean - CLASS_HUE[name] + 180) % 360 - 180), name) for name in allowed)
    if len(distances) == 1:
        return distances[0][1], 1.0 if distances[0][0] <= 60 else 0.6
    (near, name), (second, _) = distances[0], distances[1]
    return name, 0.5 + 0.5 * min(1.0, (second - near) / 40)


def read(images, model):
    """Read the LEDs of `model` from one photo or a burst (PIL images, in time order).

    Returns {"quality": {"ok", "problems": [codes], "sharpness"}, "leds": [...]}; each LED
    is {"label", "state", "color", "confidence", "x", "y"} with x and y as fractions of the
    image, for the overlay. A photo that must be retaken gets no LEDs.
    """
    width, height = images[0].size
    images = [im if im.size == (width, height) else im.resize((width, height)) for im in images]
    half = int(min(height / 2, BAND * width))
    top = int(height / 2) - half
    frames = [_Frame(im, top, top + 2 * half) for im in images]
    problems, sharpness = _quality(frames[len(frames) // 2], width)
    quality = {"ok": not problems, "problems": problems, "sharpness": round(sharpness, 3)}
    if problems:
        return {"quality": quality, "leds": []}
    r = _expected_radius(model, width)
    summary = frames[0]
    if len(frames) > 1:  # the burst at a glance: every pixel at its brightest, for finding the row
        summary = _Frame(images[0], top, top + 2 * half)
        summary.v = np.max([f.v for f in frames], axis=0)
        summary.c = np.max([f.c for f in frames], axis=0)
        summary.l = np.mean([f.l for f in frames], axis=0)
    lit_all = _lit_map(summary, r)
    spread = np.median(np.abs(lit_all - np.median(lit_all)))
    threshold = max(45.0, 9 * 1.48 * float(spread))
    points = _lit_points(lit_all, summary, r, threshold)
    window = _window_map(summary, r)
    if len(points) >= 2:
        y_mid, slope = _fit_line(points, r, half, width)
        points = [p for p in points if abs(p[1] - (y_mid + slope * (p[0] - width / 2))) <= 1.5 * r]  # on the row
    else:
        y_mid, slope = _row_from_windows(window, r, half, width)
    if _too_small(points, summary, model, r, threshold, width):
        return {"quality": {**quality, "ok": False, "problems": ["too_far"]}, "leds": []}
    reach = max(1, int(round((1.6 if len(frames) > 1 else 1.2) * r)))
    win_profile = _along(window, y_mid, slope, 1)
    win_noise = float(np.median(np.abs(window)))
    evidence = np.clip(win_profile / max(5.0, 4 * win_noise), 0, 1)
    lit_profile = _along(lit_all, y_mid, slope, reach)
    lit_at = [x for x in _peaks(lit_profile, max(3, int(0.45 * _expected_spacing(model, width))), threshold)
              if any(abs(p[0] - x) <= 1.5 * r for p in points)]
    leds = model["leds"]
    span0 = (GUIDE_RIGHT - GUIDE_LEFT) * width
    if leds and all(led["x"] is not None for led in leds) and len(leds) > 1:
        fitted = True
        first, span, margin, best = _fit_template([led["x"] for led in leds], lit_at, evidence, width)
        xs = [first + span * led["x"] for led in leds]
        gap = min(b - a for a, b in zip(xs, xs[1:]))
        fit_confidence = 0.5 + 0.5 * min(1.0, max(0.0, margin) / 2.0)
        panel_seen = (best + 4 * abs(first - GUIDE_LEFT * width) / width + 2 * abs(span / span0 - 1)) / len(leds)
        extent = span
    else:
        fitted = False
        picks = _peaks(evidence + 2 * (lit_profile >= threshold), max(3, int(2.5 * r)), 0.3)
        picks = [x for x in picks if 0.02 * width <= x <= 0.98 * width][:len(leds)]
        if len(picks) < len(leds):
            picks += [int(GUIDE_LEFT * width + span0 * (i + 0.5) / len(leds)) for i in range(len(leds) - len(picks))]
        xs = sorted(picks)
        gap = min((b - a for a, b in zip(xs, xs[1:])), default=span0)
        fit_confidence = 0.6
        panel_seen = float(np.mean([evidence[int(x)] for x in xs])) + (1 if lit_at else 0)
        extent = (xs[-1] - xs[0]) if len(xs) > 1 else span0
    if panel_seen < 0.35 and not lit_at:
        problems.append("no_panel")
    elif extent < 0.55 * span0 and (not fitted or len(lit_at) >= 2):  # a fit with < 2 lit LEDs leans on the guide
        problems.append("too_far")
    if problems:
        return {"quality": {**quality, "ok": False, "problems": problems}, "leds": []}
    tol = max(2.0, 0.3 * gap)
    if len(frames) == 1:
        all_series = [np.array([lit_profile[int(max(0, x - tol)):int(min(width, x + tol + 1))].max()]) for x in xs]
    else:
        all_series = _series(frames, xs, y_mid, slope, tol, reach, r)
    out = []
    for led, x, series in zip(leds, xs, all_series):
        on = series >= threshold
        y = y_mid + slope * (x - width / 2)
        if len(series) == 1:
            state = "on" if on[0] else "off"
            detect = 0.5 + 0.5 * min(1.0, (series[0] / threshold - 1) if on[0] else (1 - series[0] / threshold))
        else:
            share = float(on.mean())
            if share >= 0.88:
                state, detect = "on", share
            elif share <= 0.12:
                state, detect = "off", 1 - share
            else:
                flips = int(np.count_nonzero(on[1:] != on[:-1]))
                state, detect = "blinking", 0.55 + 0.45 * min(1.0, flips / 3)
        color, colour_confidence = None, 1.0
        if state != "off":
            brightest = frames[int(np.argmax(series))]
            color, colour_confidence = _colour(brightest, x, y, r, led["colors"])
        confidence = min(detect, colour_confidence, fit_confidence)
        if len(frames) == 1 and state == "on" and led.get("role") in STILL_UNSURE:
            confidence = min(confidence, 0.7)  # lit in one photo: steady or caught mid-flash?
        out.append({"label": led["label"], "state": state, "color": color, "confidence": round(float(confidence), 2),
                    "x": round(x / width, 4), "y": round((y + top) / height, 4)})
    return {"quality": quality, "leds": out}
