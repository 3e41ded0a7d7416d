"""Opening untrusted image bytes, and writing them again clean: what every upload and the LED
reader share.

Every image a phone or a desk PC produces is read or refused with a reason, never an exception
a caller did not expect:
  - formats: JPEG (also when Pillow names it MPO — iPhones and Samsungs add a multi-picture index
    for the HDR gain map or a thumbnail; the primary image is the first frame), progressive JPEG,
    PNG, WebP, HEIC/HEIF (pillow-heif), AVIF (Pillow's own plugin), GIF, BMP, TIFF;
  - modes: CMYK, 16-bit and 32-bit grey, palette with or without transparency, grey + alpha,
    RGBA — all become 8-bit RGB (on white where transparent) or RGBA for PNG;
  - all eight EXIF orientations are applied, and no metadata is written back.
Too many bytes or pixels, a decompression bomb, the wrong format, a file that is not an image or
is cut short, or one that cannot be converted: each is an `ImageProblem` with a code; callers
word it for their people.
"""
import io
import struct
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF, the iPhone's default camera format
    import pillow_heif
    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - requirements.txt installs it
    pillow_heif = None

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels decoded at most: every phone camera's 12-MP mode; far below a decompression bomb
# A 48- or 50-MP phone JPEG (8000×6000, 8160×6120) is decoded at half its sides (JPEG draft: the decoder itself scales,
# no full-size bitmap), 12 MP, as light as a 12-MP photo: measured peak RSS growth 49 MB for an 8000×6000 JPEG against
# 187 MB for its full decode (review r6). Other formats cannot decode small and keep MAX_PIXELS.
MAX_JPEG_PIXELS = 51_000_000
# Except a progressive JPEG: libjpeg keeps every DCT coefficient of the whole image until the last scan, whatever the
# scale asked, so half the sides saves nothing (review r7, an 8000×6000 progressive JPEG: 184 MB peak growth re-encoded
# at upload, 141 MB in the LED reader, against 47 MB for the baseline file). Above MAX_PIXELS it is refused before
# decoding, as "pixels" (the phone's 12-MP mode writes a photo read in full).
# A file over MAX_BYTES whose header says more than this many pixels comes from a camera's high-resolution mode (a
# 12-MP mode's photo is 12.2 MP at most): refused as "pixels", so the technician is told to use the 12-MP mode.
HIGH_RESOLUTION_PIXELS = 13_000_000
# A job or LED photo shorter than this on its short side shows nothing: a thumbnail or an icon (Android's smallest
# thumbnail is 96×96), a 1×1 tracking pixel, a chat's preview. No camera picture is: the smallest phone camera takes
# 640×480, and even the thinnest picture the phone takes in (offline/photos.js: at most MAX_ASPECT 20 times longer than
# wide, shrunk to MAX_PHOTO_EDGE 2048 on its long side) keeps 2048 / 20 = 102. The phone applies it to the copy it sends
# (the reference data "photos"), the push to the stored blob. Signatures are not held to it (has_ink checks their ink).
MIN_PHOTO_SIDE = 100
# The longest a job or LED photo may be against its width, either way: a phone's panorama is about 8:1, a light row
# cropped close about 10:1; a thinner strip shows no panel (review r58: a 1×60000 picture drew a job page 700,000 pixels
# tall). The phone refuses it before it is queued (offline/photos.js, from the reference data "photos"), the push too.
# Both judge the copy the phone sends, allowing its short side one pixel of rounding (too_thin): a 20:1 picture shrunk
# to 2048 pixels is 2048×102 (review r61: 4000×200 was refused as a strip).
MAX_ASPECT = 20


def too_thin(width, height):
    """Whether a picture of `width` × `height` pixels is a thin strip: its long side over MAX_ASPECT times its short
    side and one pixel more (a shrunk 20:1 picture's short side is rounded). offline/photos.js judges so too."""
    return max(width, height) > MAX_ASPECT * (min(width, height) + 1)
DRAFTED = ("JPEG", "MPO")
# What each declared format may turn out to be (Pillow's names). MPO is a JPEG with an index.
FAMILIES = {"JPEG": {"JPEG", "MPO"}, "PNG": {"PNG"}, "WEBP": {"WEBP"}, "HEIF": {"HEIF"}, "AVIF": {"AVIF"},
            "GIF": {"GIF"}, "BMP": {"BMP"}, "TIFF": {"TIFF"}}
FORMATS = frozenset({"JPEG", "PNG", "WEBP", "HEIF", "AVIF"})
CODES = ("empty", "too_big", "format", "pixels", "bomb", "unreadable", "damaged", "convert")


class ImageProblem(ValueError):
    """Why bytes cannot be used as an image: one of CODES."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def accepted(formats):
    """The Pillow format names that `formats` (declared names, e.g. {"JPEG"}) admit."""
    return {name for declared in formats for name in FAMILIES.get(declared, {declared})}


def open_checked(data, formats=FORMATS, before_load=None):
    """Open and decode `data` as one of `formats` (declared names; JPEG admits MPO).

    `before_load(image)` may ask for a smaller decode (JPEG draft). A JPEG of more than MAX_PIXELS (up to
    MAX_JPEG_PIXELS) is decoded at half its sides when `before_load` asked for nothing smaller; a progressive one is
    refused ("pixels"), as is a file over MAX_BYTES from a camera's high-resolution mode (HIGH_RESOLUTION_PIXELS).
    Returns a loaded PIL image at its first frame; raises ImageProblem.
    """
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ImageProblem("empty")
    if len(data) > MAX_BYTES:
        raise ImageProblem("pixels" if header_pixels(data) > HIGH_RESOLUTION_PIXELS else "too_big")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in accepted(formats):
                raise ImageProblem("format")
            limit = MAX_JPEG_PIXELS if image.format in DRAFTED else MAX_PIXELS
            if image.width * image.height > limit:
                raise ImageProblem("pixels")
            if image.format in DRAFTED and image.info.get("progressive") and image.width * image.height > MAX_PIXELS:
                raise ImageProblem("pixels")  # no smaller decode for a progressive JPEG: its coefficients are all kept
            if before_load:
                before_load(image)
            if image.width * image.height > MAX_PIXELS:  # a 48-MP JPEG no caller asked to decode small
                image.draft(image.mode, ((image.width + 1) // 2, (image.height + 1) // 2))
                if image.width * image.height > MAX_PIXELS:
                    raise ImageProblem("pixels")
            image.load()
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("bomb") from None
    except UnidentifiedImageError:  # a photo cut short often leaves no readable header (HEIC: its boxes name bytes past the end)
        raise ImageProblem("damaged" if signature(data) else "unreadable") from None
    except (OSError, ValueError, SyntaxError, EOFError, RuntimeError, IndexError, struct.error):
        raise ImageProblem("damaged") from None
    return image


def signature(data):
    """The image format the first bytes of `data` name, or "" (then it is no image): "jpeg" (SOI FF D8 FF, ITU T.81
    B.2), "png" (its 8-byte signature, RFC 2083 3.1), "gif", "webp" ("RIFF" then "WEBP", RFC 9649 2.5) or "isobmff"
    (HEIC, HEIF, AVIF: "ftyp" at byte 4, ISO/IEC 14496-12 4.3). The phone asks the same (offline/photos.js formatOf)."""
    head = bytes(data[:12])
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] == b"GIF8":
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "isobmff"
    return ""


def header_pixels(data):
    """Width × height an image's header announces (nothing decoded), 0 when it names none that Pillow can read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                return image.width * image.height
    except Exception:  # noqa: BLE001 - any header Pillow cannot read announces nothing
        return 0


def upright(image):
    """The image turned as its EXIF orientation (1–8) says, without the tag; ImageProblem("damaged") if it cannot be."""
    try:
        ImageOps.exif_transpose(image, in_place=True)  # no copy when there is nothing to turn
        return image
    except (OSError, ValueError, SyntaxError, KeyError, TypeError, struct.error):
        raise ImageProblem("damaged") from None


def to_8bit(image, keep_alpha=False):
    """8-bit RGB (or RGBA with `keep_alpha`) from any Pillow mode; transparent parts on white otherwise."""
    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") or (values.size and values.max() > 255) else 255.0
        if mode == "F" and values.size and values.max() <= 1.0:
            top = 1.0
        grey = np.clip(values / top * 255.0, 0, 255).round().astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode in ("LA", "PA", "La", "RGBa"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        if keep_alpha:
            return image
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


KEPT_INFO = ("icc_profile", "transparency")  # image.info entries a re-encoded image keeps: how to show it, nothing about it


def see_through_share(image):
    """How much (0–1) of an opened image shows nothing: 1 − its mean alpha / 255; 0.0 for an image without alpha.

    A camera writes no transparency, so any above 0 comes from a graphic, a cut-out or an editor's canvas.
    """
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    bands = image.getbands()
    band = "A" if "A" in bands else "a" if "a" in bands else None
    if band is None or not image.width * image.height:
        return 0.0
    return 1.0 - float(np.asarray(image.getchannel(band)).mean(dtype=np.float64)) / 255.0  # no float copy of 40 MP


def reencode(data, formats, as_png=False, quality=85, fit=None, max_pixels=MAX_PIXELS):
    """Open `data` (one of the declared `formats`) and write it again with no metadata.

    Returns (bytes, content type, width, height): PNG when `as_png` or when the image has any transparency
    (kept, so that whoever reads it can tell a cut-out from a photo: review r14, a transparent WebP laid on white
    read as glare), else JPEG at `quality`. `fit` (width, height) downscales into that box; more than
    `max_pixels` is refused before decoding. Raises ImageProblem — "convert" when a readable
    image cannot be written again (so the upload is marked failed with a reason, not left half-done).
    """
    def bounded(image):  # a smaller bound than open_checked's own (a signature)
        if max_pixels < MAX_PIXELS and image.width * image.height > max_pixels:
            raise ImageProblem("pixels")

    image = upright(open_checked(data, formats, before_load=bounded))
    try:
        out = io.BytesIO()
        # Pillow's writers carry some of image.info over (a JPEG's comment, where camera and timestamp apps write the
        # place: review r9): only how to show the pixels stays (colour profile, a PNG's transparent colour).
        image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
        if as_png or see_through_share(image) > 0:
            image = to_8bit(image, keep_alpha=True)
            if fit:
                image.thumbnail(fit)
            image.save(out, "PNG", optimize=False)
            return out.getvalue(), "image/png", image.width, image.height
        image = to_8bit(image)
        if fit:
            image.thumbnail(fit)
        image.save(out, "JPEG", quality=quality)
        return out.getvalue(), "image/jpeg", image.width, image.height
    except (OSError, ValueError, TypeError, KeyError, MemoryError):
        raise ImageProblem("convert") from None


INK_LUMINANCE = 160  # darker than this on white is ink (offline/signature.js uses the same numbers)
MIN_INK_PIXELS = 10  # fewer is a speck, not a signature
MIN_INK_SPAN = 0.05  # the ink must reach across 5 % of the pad's longer side: a tap's dot (~1 %) or a tick is no signature


def _ink_mask(data):
    grey = np.asarray(to_8bit(upright(open_checked(data, {"PNG", "JPEG", "WEBP"}))).convert("L"))
    return grey < INK_LUMINANCE


def ink_pixels(data):
    """How many pixels of a signature image (any format read here) are ink: darker than
    INK_LUMINANCE once composited on white. Raises ImageProblem for a file that is not an image."""
    return int(_ink_mask(data).sum())


def ink_span(mask):
    """The ink's extent as a fraction (0–1) of the image's longer side: the longer side of the
    box around every ink pixel of `mask` (a boolean array), 0.0 without ink."""
    rows, columns = np.nonzero(mask)
    if not len(rows):
        return 0.0
    extent = max(int(rows.max() - rows.min()) + 1, int(columns.max() - columns.min()) + 1)
    return extent / max(mask.shape)


def has_ink(data):
    """True when a signature image shows a signature: at least MIN_INK_PIXELS of ink reaching
    across MIN_INK_SPAN of the pad (an accidental tap leaves a dot of ~30 dark pixels)."""
    mask = _ink_mask(data)
    return int(mask.sum()) >= MIN_INK_PIXELS and ink_span(mask) >= MIN_INK_SPAN
