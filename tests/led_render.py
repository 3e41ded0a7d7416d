"""Renders labelled photos of ONT and router front panels, for the LED reader's tests and benchmark.

Each case is a panel (a catalog model or an unknown one), what each LED does, and how the
photo was taken. What the renderer draws comes from what real phone photos of ONT panels show
(../shared/led-photos, the issue 18 survey of 22 real panels), kind by kind:

- where the row is: anywhere in the frame, the row spanning 12–75 % of the frame's width,
  tilted up to 40°, or a vertical column (wall-mounted units, labels top to bottom), in
  landscape or portrait frames; the capture guide is not followed;
- how lights photograph: green photographs yellow-green (hue 70–105° around a core clipped to
  white), amber yellow-orange, red orange-red; blue and white lights exist; a light can be dim
  (PWM, mid-flash), or a faint glow through a white or black shell that hides it until lit;
- what else is there: white printed labels on black cases, vent holes beside the row, pinhole
  windows, speckled plastic, pegboard, shelves and cables behind the box;
- the photo: lighting and white balance, blur, glare, noise, JPEG quality.

Bad photos are too dark (the lights themselves underexposed), blurred (edges wider than half
a percent of the frame), over-exposed, too far (the row spans under 5 % of the frame, lights a
few pixels apart) or miss the panel. Everything is drawn from a seed, so a case is the same on
every machine.
"""
import io
import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from webapp.led import catalog
from webapp.led.reader import GUIDE_LEFT, GUIDE_RIGHT

# Hue (degrees) at which each colour of LED photographs, and the spread seen between units.
HUES = {"green": 88.0, "red": 5.0, "orange": 32.0, "blue": 215.0, "white": 40.0}
HUE_SPREAD = {"green": 15.0, "red": 5.0, "orange": 6.0, "blue": 10.0, "white": 30.0}
PANELS = [(236, 236, 232), (214, 216, 218), (245, 244, 240), (38, 38, 42), (22, 22, 24), (70, 72, 76)]
# How much an unlit lens (or pinhole) on a pale case is darker than the case, grey levels, drawn log-uniformly. Measured
# with the reader's window map (bench/lens_contrast.py), the real photos' unlit lenses on pale cases (dark pinholes in
# light plastic: panel_02, 03, 04, 06, 07) show 28-129 (10th-90th percentile, median 121; 9 of the 17 lights are
# panel_06 and 07, 121-135). Lenses drawn at 6-32 measured 1-24, median 8: fainter than all real ones but a hidden one.
# Drawn at LENS they measure 2-137, median 25 (hidden lights included on both sides), under the real photos' median:
# the set stays the harder one. On a dark case a lens is drawn paler than the case, at 6-32 as before: the one real
# black case (panel_08) shows its lenses not at all until lit, so nothing says they are clearer (a fresh review,
# 2026-12-05, found LENS there drew near-white lenses on black plastic).
LENS = (20.0, 200.0)
BAD_KINDS = ("too_dark", "blurry", "over_exposed", "too_far", "no_panel")
ALL_COLOURS = ["green", "red", "orange", "blue", "white"]
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
    """A panel that is not in the catalog: 2 to 8 evenly spaced LEDs (as every real panel in
    ../shared/led-photos has), any colours, told to the reader by name only."""
    count = rng.randint(2, 8)
    xs = [i / (count - 1) for i in range(count)]
    leds = [{"label": f"L{i + 1}", "role": None, "x": x, "colors": list(ALL_COLOURS)} for i, x in enumerate(xs)]
    return {"id": "custom", "kind": "ont", "leds": leds}


def conditions(rng, bad=None, burst=False, faint_lenses=False):
    """How the photo was taken; `bad` names the one thing wrong with it; `faint_lenses` draws the unlit lenses of
    pale cases as before LENS (6–32 grey levels: the scenes tests found with that renderer).

    `scale` is the row's length as a fraction of the guide's (70 % of the width), `dx`/`dy`
    move the row's centre (fractions of the width), `tilt` turns it (degrees; near ±90 is a
    vertical column read top to bottom).
    """
    roll = rng.random()
    if burst:  # the phone films the guide's band: the row roughly along it
        tilt = rng.uniform(-12, 12)
    elif roll < 0.55:
        tilt = rng.uniform(-8, 8)
    elif roll < 0.8:
        tilt = rng.choice([-1, 1]) * rng.uniform(8, 40)
    else:
        tilt = -90 + rng.uniform(-10, 10)  # a column, first light at the top
    c = {
        "scale": rng.uniform(0.18, 1.05) if not burst else rng.uniform(0.5, 1.1),
        "dx": 0.0, "dy": 0.0, "tilt": tilt, "keystone": rng.uniform(-0.04, 0.04),
        "light": rng.uniform(0.5, 1.2), "cast": (rng.uniform(-0.12, 0.12), rng.uniform(-0.12, 0.12)),
        "blur": rng.uniform(0, 0.0012), "noise": rng.uniform(1.5, 6), "quality": rng.randint(70, 92),
        "glare": rng.random() < 0.25, "glare_strength": rng.uniform(0.2, 0.5), "panel": rng.choice(PANELS),
        "window": rng.random(), "led_gain": rng.uniform(0.75, 1.0), "radius": rng.uniform(0.1, 0.22),
        "row": rng.uniform(0.35, 0.6), "labels": rng.random() < 0.85, "bad": bad, "bg_seed": rng.random(),
        "exposure": 1.0, "lift": 0.0, "no_panel": False, "portrait": not burst and rng.random() < 0.35,
        "hidden": rng.random() < 0.12, "vents": rng.random() < 0.3, "speckle": rng.random() < 0.2,
        "clutter": rng.choice(["plain", "shelf", "pegboard", "cables", "wood"]),
        "dim": rng.random() < 0.15, "place": (rng.random(), rng.random()),
    }
    u = c["window"]  # one draw, as rng.uniform(6, 32) was: the scenes of dark cases are drawn as before
    c["window"] = 6 + 26 * u if faint_lenses or sum(c["panel"]) < 3 * 128 else LENS[0] * (LENS[1] / LENS[0]) ** u
    brightest = max(max(c["panel"]), 225)
    c["light"] = min(c["light"], 232 / brightest)
    if bad == "too_dark":  # the phone underexposed everything, the lights as well
        c["light"], c["led_gain"] = rng.uniform(0.04, 0.1), rng.uniform(0.06, 0.12)
    elif bad == "blurry":
        c["blur"] = rng.uniform(0.004, 0.008)
    elif bad == "over_exposed":
        if rng.random() < 0.5:
            c["exposure"], c["lift"] = rng.uniform(2.2, 3.5), rng.uniform(60, 110)
        else:
            c["glare"], c["glare_strength"], c["glare_big"] = True, rng.uniform(1.6, 2.2), True
    elif bad == "too_far":
        c["scale"] = rng.uniform(0.03, 0.06)
    elif bad == "no_panel":
        c["no_panel"] = True
    return c


def _background(rng, size, kind="plain"):
    """What is behind the box: a wall or desk, shelves, pegboard, cables or wood."""
    w, h = size
    base = np.array([rng.uniform(60, 220) for _ in range(3)], dtype=np.float32)
    yy, xx = np.mgrid[0:h // 8 + 1, 0:w // 8 + 1].astype(np.float32)
    gradient = (xx * 8 / w - 0.5) * rng.uniform(-60, 60) + (yy * 8 / h - 0.5) * rng.uniform(-60, 60)
    if kind == "wood":
        gradient = gradient + 18 * np.sin(yy * 8 / h * rng.uniform(20, 60) + 3 * np.sin(xx * 8 / w * 4))
    small = Image.fromarray(np.clip(base[None, None, :] + gradient[..., None], 0, 255).astype(np.uint8))
    image = small.resize(size, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(2, 8) if kind in ("shelf", "plain") else rng.randint(0, 3)):  # shelves, wall edges
        x0, y0 = rng.uniform(-0.2, 1) * w, rng.uniform(-0.2, 1) * h
        shade = tuple(int(v) for v in np.clip(base + rng.uniform(-70, 70), 0, 255))
        draw.rectangle([x0, y0, x0 + rng.uniform(0.05, 0.6) * w, y0 + rng.uniform(0.02, 0.3) * h], fill=shade)
    if kind == "pegboard":  # evenly spaced holes: rows of spots that are not lights
        pitch = rng.uniform(0.02, 0.05) * w
        hole = tuple(int(v) for v in np.clip(base * 0.3, 0, 255))
        for gy in np.arange(pitch / 2, h, pitch):
            for gx in np.arange(pitch / 2, w, pitch):
                draw.ellipse([gx - pitch * 0.15, gy - pitch * 0.15, gx + pitch * 0.15, gy + pitch * 0.15], fill=hole)
    if kind == "cables":  # fibre patch cords and network cables: yellow, blue, green, black, white
        for _ in range(rng.randint(3, 8)):
            colour = rng.choice([(230, 200, 40), (40, 90, 200), (60, 170, 70), (25, 25, 25), (235, 235, 230)])
            points = [(rng.uniform(0, w), rng.uniform(0, h)) for _ in range(4)]
            draw.line(points, fill=colour, width=int(rng.uniform(0.006, 0.02) * w), joint="curve")
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
        tint = c["light"] * np.array([1 + c["cast"][0], 1.0, 1 + c["cast"][1]], dtype=np.float32)
        self.background = np.asarray(_background(random.Random(c["bg_seed"]), (w, h), c.get("clutter", "plain")),
                                     dtype=np.float32) * tint
        span = (GUIDE_RIGHT - GUIDE_LEFT) * w * c["scale"]
        theta = math.radians(c["tilt"])
        span = min(span, 0.88 * min(w / max(1e-6, abs(math.cos(theta))), h / max(1e-6, abs(math.sin(theta)))))
        if c.get("place") and not c["no_panel"]:  # anywhere the whole row (turned) stays in the frame
            ex, ey = abs(math.cos(theta)) * span / 2 + 0.06 * w, abs(math.sin(theta)) * span / 2 + 0.06 * h
            ex, ey = min(ex, w / 2), min(ey, h / 2)
            px, py = c["place"]
            c["dx"] = (ex + px * (w - 2 * ex)) / w - (GUIDE_LEFT + GUIDE_RIGHT) / 2
            c["dy"] = (ey + py * (h - 2 * ey) - h / 2) / w
        xs = [led["x"] for led in model["leds"]]
        spacing = min(b - a for a, b in zip(xs, xs[1:])) * span if len(xs) > 1 else span * 0.3
        self.radius = r = max(1.2, min(c["radius"] * spacing, 0.012 * w * c["scale"] * 1.3))
        # The panel is drawn on a transparent canvas that is turned and laid over the background: the photo with a
        # margin m all round, wide enough that the whole panel and every light's glow lie on it. (A turned row placed
        # near a side of the photo reached past a fixed margin of 0.12 × the long side: 2-5 % of renders had a light
        # not drawn, or drawn in part, that the truth called lit.)
        ox, oy = w * (GUIDE_LEFT + GUIDE_RIGHT) / 2 + c["dx"] * w, h / 2 + c["dy"] * w
        reach = max(spacing * 1.2, r * 5) + 6 * r + 2  # the panel's pad beyond the end lights, and a glow's reach
        tall = max(r * 10, span * 0.5) + 6 * r + 2     # the panel's tallest, from the row either way
        self.margin = m = int(math.ceil(max(0.12 * max(w, h), span / 2 + reach - ox, ox + span / 2 + reach - w,
                                            tall - oy, oy + tall - h)))
        cw, ch = w + 2 * m, h + 2 * m
        canvas = Image.new("RGBA", (cw, ch), (0, 0, 0, 0))
        self.cx, self.cy = m + ox, m + oy
        first = self.cx - span / 2
        self.positions = [first + x * span for x in xs] if len(xs) > 1 else [self.cx]
        panel = np.array(c["panel"], dtype=float)
        self.dark_panel = panel.mean() < 128
        draw = ImageDraw.Draw(canvas)
        if not c["no_panel"]:
            pad = max(spacing * 1.2, r * 5)
            height = max(r * 10, span * rng.uniform(0.16, 0.5))
            top = self.cy - height * c["row"]
            draw.rounded_rectangle([first - pad, top, first + span + pad, top + height], radius=height * 0.15,
                                   fill=tuple(int(v) for v in panel))
            ink = tuple(int(v) for v in (panel + (170 if self.dark_panel else -110)).clip(0, 255))  # white print on black
            if c.get("speckle"):
                for _ in range(int(span * height / 60)):
                    sx, sy = rng.uniform(first - pad, first + span + pad), rng.uniform(top, top + height)
                    draw.point((sx, sy), fill=tuple(int(v) for v in (panel - 60).clip(0, 255)))
            if c.get("vents"):  # a field of holes beside the row, as on many gateways
                pitch = max(3 * r, spacing * rng.uniform(0.35, 0.6))
                vy = self.cy - r * 4 - pitch * 3
                for row in range(3):
                    for vx in np.arange(first - pad * 0.5, first + span + pad * 0.5, pitch):
                        y = vy + row * pitch * 0.9
                        if y > top + r:
                            draw.ellipse([vx - r * 0.7, y - r * 0.7, vx + r * 0.7, y + r * 0.7], fill=(20, 20, 20))
            if c["labels"]:
                font = _font(max(r * 1.6, 7))
                below = rng.random() < 0.5
                for x, led in zip(self.positions, model["leds"]):
                    draw.text((x, self.cy + (r * 2.2 if below else -r * 2.2)), led["label"], fill=ink, font=font,
                              anchor="mt" if below else "mb")
                draw.text((first - pad * 0.6, top + height * 0.08), "ONT", fill=ink, font=_font(height * 0.12))
            if not c.get("hidden"):  # hidden-until-lit lights have no window to see when off
                shade = panel + (c["window"] if self.dark_panel else -c["window"])
                for x in self.positions:
                    draw.ellipse([x - r, self.cy - r, x + r, self.cy + r], fill=tuple(int(v) for v in shade.clip(0, 255)),
                                 outline=tuple(int(v) for v in (shade - c["window"] * 0.6).clip(0, 255)))
        layer = np.asarray(canvas, dtype=np.float32)
        pixels = layer[..., :3] * tint
        self.alpha = layer[..., 3:] / 255.0
        if c["glare"]:
            big = c.get("glare_big")
            gx = self.cx + (0 if big else rng.uniform(-0.3, 0.3) * span)
            gy = self.cy + (0 if big else rng.uniform(-1, 1) * r * 6)
            sx = span * (0.45 if big else rng.uniform(0.05, 0.15))
            sy = sx * rng.uniform(0.3, 0.7)
            if big:
                sx = sy = max(w, h) * 0.45
            yy, xx = np.ogrid[0:ch, 0:cw]
            pixels += (255 * c["glare_strength"] * np.exp(-((xx - gx) / sx) ** 2 - ((yy - gy) / sy) ** 2))[..., None]
        self.pixels = pixels

    def _coeffs(self, shake):
        """The perspective transform from the photo to the panel's canvas (PIL's PERSPECTIVE)."""
        c, (w, h), m = self.c, self.size, self.margin
        theta = math.radians(c["tilt"])
        cos, sin = math.cos(theta), math.sin(theta)
        sx, sy = shake[0] * w, shake[1] * w
        cx, cy = self.cx, self.cy
        k = c["keystone"]
        scale = 1 + k / 2
        return (cos * scale, -sin * scale, (cx + cos * (m - cx) - sin * (m - cy) - sx) * scale,
                sin * scale, cos * scale, (cy + sin * (m - cx) + cos * (m - cy) - sy) * scale, 0.0, k / h)

    def where(self, shake=(0.0, 0.0)):
        """Each light's centre in the photo, in pixels: [(x, y)], left to right as the model lists them."""
        a, b, cc, d, e, f, g, hh = self._coeffs(shake)
        inverse = np.linalg.inv(np.array([[a, b, cc], [d, e, f], [g, hh, 1.0]]))
        found = []
        for x in self.positions:
            u, v, s = inverse @ np.array([x, self.cy, 1.0])
            found.append((float(u / s), float(v / s)))
        return found

    def frame(self, lit, shake, seed):
        """One frame: `lit` is [(position index, hue, gain)] (hue None: a white light), `shake` a shift as fractions of the width."""
        c, (w, h), r, m = self.c, self.size, self.radius, self.margin
        rng = random.Random(seed)
        pixels = self.pixels.copy()
        hidden = c.get("hidden")
        reach = int((6 if hidden else 3.2) * r) + 2
        yy, xx = np.mgrid[-reach:reach + 1, -reach:reach + 1].astype(np.float32)
        for index, hue, gain in lit:
            x = self.positions[index]
            white = hue is None
            saturation = rng.uniform(0.05, 0.15) if white else rng.uniform(0.5, 0.9)
            if hidden:  # seen through the shell: a soft, washed-out glow
                saturation *= 0.6
                gain *= 0.55
            colour = _hsv_to_rgb(hue or 40.0, saturation, 1.0).astype(np.float32)
            x0, y0 = int(round(x)) - reach, int(round(self.cy)) - reach
            if x0 < 0 or y0 < 0 or x0 + 2 * reach + 1 > pixels.shape[1] or y0 + 2 * reach + 1 > pixels.shape[0]:
                continue
            d = np.hypot(xx - (x - round(x)), yy - (self.cy - round(self.cy)))
            patch = pixels[y0:y0 + 2 * reach + 1, x0:x0 + 2 * reach + 1]
            spread = 2.5 if hidden else 1.3
            glow = np.exp(-(d / (spread * r)) ** 2)[..., None] * colour * gain * (0.7 if self.dark_panel else 0.35)
            patch += glow
            if hidden:
                continue
            lens = np.clip(r - d + 0.5, 0, 1)[..., None]
            patch *= 1 - lens
            patch += lens * colour * gain
            core = np.clip(0.5 * r - d + 0.5, 0, 1)[..., None]  # the die clips to white
            patch *= 1 - core
            patch += core * (colour * 0.4 + 255 * 0.6 * gain)
        rgba = np.concatenate([np.clip(pixels, 0, 255), self.alpha * 255], axis=2).astype(np.uint8)
        image = Image.fromarray(rgba, "RGBA")
        turned = np.asarray(image.transform((w, h), Image.Transform.PERSPECTIVE, self._coeffs(shake),
                                            resample=Image.Resampling.BILINEAR), dtype=np.float32)
        alpha = turned[..., 3:] / 255.0
        image = Image.fromarray(np.clip(turned[..., :3] * alpha + self.background * (1 - alpha), 0, 255).astype(np.uint8))
        if c["blur"] > 0:
            image = image.filter(ImageFilter.GaussianBlur(c["blur"] * max(w, h)))
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


def staged(seed, kind="single", bad=None, model_id=None, size=None, faint_lenses=False):
    """What make_case draws before its frames, for the same arguments: (rng, model, states, conditions, _Scene),
    the rng where make_case goes on from."""
    rng = random.Random(seed)
    if model_id is None:
        model = unknown_model(rng) if rng.random() < 1 / 6 else rng.choice(catalog.models())
    elif model_id == "custom":
        model = unknown_model(rng)
    else:
        model = catalog.model(model_id)
    burst = kind == "burst"
    states = scenario(rng, model, burst)
    c = conditions(rng, bad, burst, faint_lenses)
    size = size or ((800, 320) if burst else (900, 1200) if c["portrait"] else (1200, 900))
    return rng, model, states, c, _Scene(model, c, size, seed)


def make_case(seed, kind="single", bad=None, model_id=None, size=None, faint_lenses=False):
    """One labelled case: {"seed", "kind", "model", "told", "bad", "truth", "photos": [jpeg bytes],
    "where": [(x, y) pixels of each light in the first frame]}.

    `kind` is "single" (one 1200×900 photo, or 900×1200 in portrait) or "burst" (32 frames of
    the guide's band, 800×320, 10 frames a second). `model_id` None picks a catalog model or,
    one time in six, an unknown panel. `faint_lenses` as conditions.
    """
    rng, model, states, c, scene = staged(seed, kind, bad, model_id, size, faint_lenses)
    burst = kind == "burst"
    hues = [None if st["color"] in (None, "white") else HUES[st["color"]] + rng.uniform(-1, 1) * HUE_SPREAD[st["color"]]
            for st in states]
    gains = [c["led_gain"] * (rng.uniform(0.35, 0.55) if c["dim"] and rng.random() < 0.3 else 1.0) for _ in states]
    photos = []
    sx = sy = 0.0
    for frame in range(BURST_FRAMES if burst else 1):
        lit = [(i, hues[i], gains[i] * (0.35 if burst and rng.random() < 0.03 else 1.0))  # a PWM-dimmed frame now and then
               for i, st in enumerate(states) if _lit(st, frame if burst else None)]
        photos.append(jpeg(scene.frame(lit, (sx, sy), seed * 100 + frame), c["quality"]))
        sx = max(-0.008, min(0.008, sx + rng.uniform(-0.003, 0.003)))
        sy = max(-0.008, min(0.008, sy + rng.uniform(-0.003, 0.003)))
    # What the reader is told: the catalog model, or for an unknown panel only its LEDs' names
    # left to right (their positions are the renderer's secret).
    told = catalog.custom([led["label"] for led in model["leds"]]) if model["id"] == "custom" else model
    return {"seed": seed, "kind": kind, "model": model, "told": told, "bad": bad, "conditions": c, "photos": photos,
            "where": scene.where(),
            "truth": [{"label": s["label"], "state": s["state"], "color": s["color"]} for s in states]}


def labelled_set(count=330, start=1000):
    """The benchmark's cases: two thirds single photos, one third bursts; one in seven is a bad photo."""
    for n in range(count):
        yield make_case(start + n, *labelled_kind(n))


def labelled_kind(n):
    """(kind, bad) of labelled_set's case n (counted from its start)."""
    return "burst" if n % 3 == 2 else "single", BAD_KINDS[(n // 7) % len(BAD_KINDS)] if n % 7 == 3 else None
