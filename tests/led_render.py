"""Renders labelled photos of ONT and router front panels, for the LED reader's tests and benchmark.

Each case is a panel (a catalog model or an unknown one), what each LED does, and how the
photo was taken: lighting and white balance, blur, glare, noise, JPEG quality, how well the
technician lined the LEDs up with the capture guide (scale, shift, tilt, perspective), and the
background. Bad photos are too dark, blurred, over-exposed, too far away, or miss the panel.
Everything is drawn with Pillow from a seed, so a case is the same on every machine.

Geometry is the capture guide's (webapp/led/reader.py): the first LED belongs at 15 % of the
width, the last at 85 %, on the middle line.
"""
import io
import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from webapp.led import catalog
from webapp.led.reader import GUIDE_LEFT, GUIDE_RIGHT

HUES = {"green": 130.0, "red": 2.0, "orange": 32.0, "other": 220.0}  # "other" is drawn blue
PANELS = [(236, 236, 232), (214, 216, 218), (245, 244, 240), (38, 38, 42), (22, 22, 24), (70, 72, 76)]
BAD_KINDS = ("too_dark", "blurry", "over_exposed", "too_far", "no_panel")
FPS = 10
BURST_FRAMES = 32


def _hsv_to_rgb(hue, sat, val):
    h = (hue % 360) / 60.0
    c = val * sat
    x = c * (1 - abs(h % 2 - 1))
    r, g, b = [(c, x, 0), (x, c, 0), (0, c, x), (0, x, c), (x, 0, c), (c, 0, x)][int(h) % 6]
    m = val - c
    return np.array([r + m, g + m, b + m]) * 255


def scenario(rng, model, burst):
    """What each LED shows: a believable state of the box, with a blink rate when it blinks."""
    leds = model["leds"]
    story = rng.choice(["normal", "normal", "no_light", "registering", "power_off", "random"])
    states = []
    for led in leds:
        role = led["role"]
        choices = {
            "power": "on", "system": "on",
            "pon": {"normal": "on", "no_light": "off", "registering": "blinking"}.get(story),
            "los": {"normal": "off", "no_light": rng.choice(["on", "blinking"]), "registering": "off"}.get(story),
            "alarm": {"normal": "off", "no_light": "on", "registering": "off"}.get(story),
            "internet": {"normal": rng.choice(["on", "blinking"]), "no_light": "off", "registering": "off"}.get(story),
        }.get(role)
        if story == "power_off":
            state = "off"
        elif choices is None or story == "random":
            state = rng.choice(["off", "on", "blinking"] if burst else ["off", "on"])
        else:
            state = choices
        if not burst and state == "blinking":
            state = rng.choice(["on", "off"])
        color = None
        if state != "off":
            colors = led["colors"]
            color = "green" if "green" in colors and rng.random() < 0.7 else rng.choice(colors)
        rate = rng.choice([0.5, 1.0, 2.0, 3.0, 4.0, "traffic"]) if state == "blinking" else None
        if rate == "traffic" and role not in ("lan", "wlan", "usb", "internet", "wan", "tel"):
            rate = 2.0
        states.append({"label": led["label"], "state": state, "color": color, "rate": rate, "phase": rng.random(),
                       "flicker": [rng.random() < 0.6 for _ in range(BURST_FRAMES)]})
    return states


def unknown_model(rng):
    """A panel that is not in the catalog: 2 to 8 LEDs in one or two groups, any colours."""
    count = rng.randint(2, 8)
    split = rng.randint(1, count - 1) if count > 3 and rng.random() < 0.5 else count
    groups = [[f"L{i + 1}" for i in range(split)], [f"L{i + 1}" for i in range(split, count)]]
    groups = [g for g in groups if g]
    xs = catalog._positions(groups) if count > 1 else [0.5]
    leds = [{"label": label, "role": None, "x": x, "colors": ["green", "red", "orange", "other"]}
            for label, x in zip([label for g in groups for label in g], xs)]
    return {"id": "custom", "kind": "ont", "leds": leds}


def conditions(rng, bad=None):
    """How the photo was taken; `bad` names the one thing wrong with it."""
    c = {
        "scale": rng.uniform(0.84, 1.14), "dx": rng.uniform(-0.035, 0.035), "dy": rng.uniform(-0.05, 0.05),
        "tilt": rng.uniform(-5, 5), "keystone": rng.uniform(-0.04, 0.04),
        "light": rng.uniform(0.5, 1.2), "cast": (rng.uniform(-0.12, 0.12), rng.uniform(-0.12, 0.12)),
        "blur": rng.uniform(0, 0.0008), "noise": rng.uniform(1.5, 6), "quality": rng.randint(70, 92),
        "glare": rng.random() < 0.3, "glare_strength": rng.uniform(0.2, 0.5), "panel": rng.choice(PANELS),
        "window": rng.uniform(10, 32), "led_gain": rng.uniform(0.75, 1.0), "radius": rng.uniform(0.16, 0.22),
        "row": rng.uniform(0.35, 0.6), "labels": rng.random() < 0.8, "bad": bad, "bg_seed": rng.random(),
        "exposure": 1.0, "lift": 0.0, "no_panel": False,
    }
    brightest = max(max(c["panel"]), 225)
    c["light"] = min(c["light"], 232 / brightest)
    if bad == "too_dark":
        c["light"] = rng.uniform(0.04, 0.12)
    elif bad == "blurry":
        c["blur"] = rng.uniform(0.003, 0.007)
    elif bad == "over_exposed":
        if rng.random() < 0.5:
            c["exposure"], c["lift"] = rng.uniform(2.2, 3.5), rng.uniform(60, 110)
        else:
            c["glare"], c["glare_strength"], c["glare_big"] = True, rng.uniform(1.6, 2.2), True
    elif bad == "too_far":
        c["scale"] = rng.uniform(0.28, 0.45)
    elif bad == "no_panel":
        c["no_panel"] = True
        c["dy"] = rng.choice([-1, 1]) * rng.uniform(0.33, 0.5)
    return c


def _background(rng, size):
    w, h = size
    base = np.array([rng.uniform(60, 220) for _ in range(3)], dtype=np.float32)
    yy, xx = np.mgrid[0:h // 8 + 1, 0:w // 8 + 1].astype(np.float32)
    gradient = (xx * 8 / w - 0.5) * rng.uniform(-60, 60) + (yy * 8 / h - 0.5) * rng.uniform(-60, 60)
    small = Image.fromarray(np.clip(base[None, None, :] + gradient[..., None], 0, 255).astype(np.uint8))
    image = small.resize(size, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(2, 8)):  # shelves, cables, wall edges
        x0, y0 = rng.uniform(-0.2, 1) * w, rng.uniform(-0.2, 1) * h
        shade = tuple(int(v) for v in np.clip(base + rng.uniform(-70, 70), 0, 255))
        draw.rectangle([x0, y0, x0 + rng.uniform(0.05, 0.6) * w, y0 + rng.uniform(0.02, 0.3) * h], fill=shade)
    return image


def _font(size):
    try:
        return ImageFont.load_default(size=max(6, int(size)))
    except (TypeError, OSError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


class _Scene:
    """What stays the same from frame to frame: background, panel, windows, labels, lighting, glare."""

    def __init__(self, model, c, size, seed):
        w, h = size
        rng = random.Random(seed)
        self.c, self.size = c, size
        self.margin = m = int(0.12 * w)
        cw, ch = w + 2 * m, h + 2 * m
        canvas = _background(random.Random(c["bg_seed"]), (cw, ch))
        span = (GUIDE_RIGHT - GUIDE_LEFT) * w * c["scale"]
        self.cx = m + w * (GUIDE_LEFT + GUIDE_RIGHT) / 2 + c["dx"] * w
        self.cy = m + h / 2 + c["dy"] * w
        xs = [led["x"] for led in model["leds"]]
        spacing = min(b - a for a, b in zip(xs, xs[1:])) * span if len(xs) > 1 else span * 0.3
        self.radius = r = max(2.0, min(c["radius"] * spacing, 0.012 * w * c["scale"] * 1.3))
        first = self.cx - span / 2
        self.positions = [first + x * span for x in xs] if len(xs) > 1 else [self.cx]
        panel = np.array(c["panel"], dtype=float)
        self.dark_panel = panel.mean() < 128
        draw = ImageDraw.Draw(canvas)
        if not c["no_panel"]:
            pad = max(spacing * 1.2, r * 5)
            height = max(r * 10, span * 0.16)
            top = self.cy - height * c["row"]
            draw.rounded_rectangle([first - pad, top, first + span + pad, top + height], radius=height * 0.15,
                                   fill=tuple(int(v) for v in panel))
            ink = tuple(int(v) for v in (panel + (70 if self.dark_panel else -90)).clip(0, 255))
            if c["labels"]:
                font = _font(max(r * 1.1, 7))
                for x, led in zip(self.positions, model["leds"]):
                    draw.text((x, self.cy + r * 2.2), led["label"], fill=ink, font=font, anchor="mt")
                draw.text((first - pad * 0.6, top + height * 0.08), "ONT", fill=ink, font=_font(height * 0.12))
            shade = panel + (c["window"] if self.dark_panel else -c["window"])
            for x in self.positions:
                draw.ellipse([x - r, self.cy - r, x + r, self.cy + r], fill=tuple(int(v) for v in shade.clip(0, 255)),
                             outline=tuple(int(v) for v in (shade - c["window"] * 0.6).clip(0, 255)))
        pixels = np.asarray(canvas, dtype=np.float32) * c["light"]
        pixels *= np.array([1 + c["cast"][0], 1.0, 1 + c["cast"][1]], dtype=np.float32)
        if c["glare"]:
            big = c.get("glare_big")
            gx = self.cx + (0 if big else rng.uniform(-0.3, 0.3) * span)
            gy = self.cy + (0 if big else rng.uniform(-1, 1) * r * 6)
            sx = span * (0.45 if big else rng.uniform(0.05, 0.15))
            sy = sx * rng.uniform(0.3, 0.7)
            yy, xx = np.ogrid[0:ch, 0:cw]
            pixels += (255 * c["glare_strength"] * np.exp(-((xx - gx) / sx) ** 2 - ((yy - gy) / sy) ** 2))[..., None]
        self.pixels = pixels

    def frame(self, lit, shake, seed):
        """One frame: `lit` is [(position index, hue, gain)], `shake` a shift as fractions of the width."""
        c, (w, h), r, m = self.c, self.size, self.radius, self.margin
        rng = random.Random(seed)
        pixels = self.pixels.copy()
        reach = int(3.2 * r) + 2
        yy, xx = np.mgrid[-reach:reach + 1, -reach:reach + 1].astype(np.float32)
        for index, hue, gain in lit:
            x = self.positions[index]
            colour = _hsv_to_rgb(hue, rng.uniform(0.75, 0.95), 1.0).astype(np.float32)
            x0, y0 = int(round(x)) - reach, int(round(self.cy)) - reach
            if x0 < 0 or y0 < 0 or x0 + 2 * reach + 1 > pixels.shape[1] or y0 + 2 * reach + 1 > pixels.shape[0]:
                continue
            d = np.hypot(xx - (x - round(x)), yy - (self.cy - round(self.cy)))
            patch = pixels[y0:y0 + 2 * reach + 1, x0:x0 + 2 * reach + 1]
            glow = np.exp(-(d / (1.3 * r)) ** 2)[..., None] * colour * gain * (0.7 if self.dark_panel else 0.35)
            patch += glow
            lens = np.clip(r - d + 0.5, 0, 1)[..., None]
            patch *= 1 - lens
            patch += lens * colour * gain
            core = np.clip(0.5 * r - d + 0.5, 0, 1)[..., None]
            patch *= 1 - core
            patch += core * (colour * 0.4 + 255 * 0.6 * gain)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        theta = math.radians(c["tilt"])
        cos, sin = math.cos(theta), math.sin(theta)
        sx, sy = shake[0] * w, shake[1] * w
        cx, cy = self.cx, self.cy
        k = c["keystone"]
        scale = 1 + k / 2
        coeffs = (cos * scale, -sin * scale, (cx + cos * (m - cx) - sin * (m - cy) - sx) * scale,
                  sin * scale, cos * scale, (cy + sin * (m - cx) + cos * (m - cy) - sy) * scale, 0.0, k / h)
        image = image.transform((w, h), Image.Transform.PERSPECTIVE, coeffs, resample=Image.Resampling.BILINEAR)
        if c["blur"] > 0:
            image = image.filter(ImageFilter.GaussianBlur(c["blur"] * w))
        out = np.asarray(image, dtype=np.float32) * c["exposure"] + c["lift"]
        out += np.random.default_rng(rng.getrandbits(32)).standard_normal(out.shape, dtype=np.float32) * c["noise"]
        return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def _lit(st, frame):
    if st["state"] == "off":
        return False
    if st["state"] == "on" or frame is None:
        return True
    if st["rate"] == "traffic":
        return st["flicker"][frame % len(st["flicker"])]
    t = frame / FPS
    return (t * st["rate"] + st["phase"]) % 1.0 < 0.5


def jpeg(image, quality):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def make_case(seed, kind="single", bad=None, model_id=None, size=None):
    """One labelled case: {"seed", "kind", "model", "told", "bad", "truth", "photos": [jpeg bytes]}.

    `kind` is "single" (one 1200×900 photo) or "burst" (32 frames of the guide's band,
    800×320, 10 frames a second). `model_id` None picks a catalog model or, one time in six,
    an unknown panel.
    """
    rng = random.Random(seed)
    if model_id is None:
        model = unknown_model(rng) if rng.random() < 1 / 6 else rng.choice(catalog.models())
    elif model_id == "custom":
        model = unknown_model(rng)
    else:
        model = catalog.model(model_id)
    burst = kind == "burst"
    states = scenario(rng, model, burst)
    c = conditions(rng, bad)
    size = size or ((800, 320) if burst else (1200, 900))
    scene = _Scene(model, c, size, seed)
    hues = [HUES[st["color"]] + rng.uniform(-8, 8) if st["color"] else None for st in states]
    photos = []
    sx = sy = 0.0
    for frame in range(BURST_FRAMES if burst else 1):
        lit = [(i, hues[i], c["led_gain"] * (0.35 if burst and rng.random() < 0.03 else 1.0))  # a PWM-dimmed frame now and then
               for i, st in enumerate(states) if _lit(st, frame if burst else None)]
        photos.append(jpeg(scene.frame(lit, (sx, sy), seed * 100 + frame), c["quality"]))
        sx = max(-0.008, min(0.008, sx + rng.uniform(-0.003, 0.003)))
        sy = max(-0.008, min(0.008, sy + rng.uniform(-0.003, 0.003)))
    # What the reader is told: the catalog model, or for an unknown panel only its LEDs' names
    # left to right (their positions are the renderer's secret).
    told = catalog.custom([led["label"] for led in model["leds"]]) if model["id"] == "custom" else model
    return {"seed": seed, "kind": kind, "model": model, "told": told, "bad": bad, "conditions": c, "photos": photos,
            "truth": [{"label": s["label"], "state": s["state"], "color": s["color"]} for s in states]}


def labelled_set(count=330, start=1000):
    """The benchmark's cases: two thirds single photos, one third bursts; one in seven is a bad photo."""
    for n in range(count):
        seed = start + n
        bad = BAD_KINDS[(n // 7) % len(BAD_KINDS)] if n % 7 == 3 else None
        yield make_case(seed, "burst" if n % 3 == 2 else "single", bad)
