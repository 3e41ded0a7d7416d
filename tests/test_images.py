"""Every image a phone or a desk PC produces is read or refused with a sentence: the handed iPhone /
Samsung MPO case from ../shared, and generated files in every mode, format and EXIF orientation,
through webapp/images.py and through the upload endpoints."""
import hashlib
import io
import pathlib
import subprocess
import sys

import pytest
from PIL import Image, ImageOps

from tests.test_offline_browser import phone_profile, server  # noqa: F401  (fixtures)
from tests.test_led_uploaded import PHOTOS
from tests.test_uploads import Uploader
from webapp import images
from webapp.sync import uploads

ROOT = pathlib.Path(__file__).resolve().parent.parent
MPO_CASE = ROOT.parent / "shared" / "public-cases" / "iphone-jpeg-is-mpo"
def need_case(test):
    """A test of the public case MPO_CASE: marked public_case, skipped where ../shared is not beside the project."""
    return pytest.mark.public_case(pytest.mark.skipif(not MPO_CASE.exists(),
                                                      reason="../shared/public-cases is not beside the project")(test))


def encode(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def marked(size=(120, 80)):
    """A landscape picture, white with a black square in its top-left corner (to see which way it turned)."""
    image = Image.new("RGB", size, (255, 255, 255))
    image.paste((0, 0, 0), (0, 0, 20, 20))
    return image


# ---- the handed case ------------------------------------------------------------------------------

@need_case
@pytest.mark.parametrize("name,size", [("IMG_0001.jpg", (56, 70)), ("SAM_0001.jpg", (64, 64))])
def test_iphone_and_samsung_mpo_jpegs_are_read_and_reencoded_first_frame_only(name, size):
    data = (MPO_CASE / name).read_bytes()
    assert Image.open(io.BytesIO(data)).format == "MPO"  # the fault: Pillow names them MPO
    encoded, content_type, width, height = uploads.reencode(data, "JPEG")
    stored = Image.open(io.BytesIO(encoded))
    assert (content_type, stored.format, (width, height), stored.size) == ("image/jpeg", "JPEG", size, size)
    assert not stored.getexif() and getattr(stored, "n_frames", 1) == 1


@need_case
def test_led_check_reads_the_iphone_photo_instead_of_refusing_its_format():
    run = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "led", "analyze",
                          str(MPO_CASE / "IMG_0001.jpg"), "--leds", "POWER,PON,LOS,LAN1", "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode != 2 and "Only" not in run.stderr
    assert '"quality"' in run.stdout


@need_case
def test_mpo_upload_as_image_jpeg_is_accepted(login, db):
    data = (MPO_CASE / "IMG_0001.jpg").read_bytes()
    assert Uploader(login("techa")).send(data).status_code == 204
    row = db.execute("SELECT content_type, width, height FROM blobs WHERE sha256 = ?",
                     [hashlib.sha256(data).hexdigest()]).fetchone()
    assert tuple(row) == ("image/jpeg", 56, 70)


# ---- every mode and format ------------------------------------------------------------------------

def transparent_png():
    image = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (0, 0, 30, 40))
    return encode(image, "PNG")


def palette_png(transparent):
    image = Image.new("P", (60, 40), 0)
    image.putpalette([255, 255, 255, 0, 0, 255] + [0] * 762)
    image.paste(1, (0, 0, 30, 40))
    return encode(image, "PNG", **({"transparency": 0} if transparent else {}))


def sixteen_bit(mode):
    image = Image.new(mode, (60, 40), 0)
    image.paste(65535 if mode.startswith("I;16") else 60000, (0, 0, 30, 40))
    return encode(image, "PNG")


GENERATED = {
    "JPEG baseline": (lambda: encode(marked(), "JPEG"), "image/jpeg"),
    "JPEG progressive": (lambda: encode(marked(), "JPEG", progressive=True, quality=90), "image/jpeg"),
    "JPEG CMYK": (lambda: encode(marked().convert("CMYK"), "JPEG"), "image/jpeg"),
    "JPEG greyscale": (lambda: encode(marked().convert("L"), "JPEG"), "image/jpeg"),
    "PNG RGB": (lambda: encode(marked(), "PNG"), "image/png"),
    "PNG transparent": (transparent_png, "image/png"),
    "PNG palette": (lambda: palette_png(False), "image/png"),
    "PNG palette transparent": (lambda: palette_png(True), "image/png"),
    "PNG 16-bit grey": (lambda: sixteen_bit("I;16"), "image/png"),
    "PNG grey + alpha": (lambda: encode(marked().convert("LA"), "PNG"), "image/png"),
    "PNG 1-bit": (lambda: encode(marked().convert("1"), "PNG"), "image/png"),
    "WebP lossy": (lambda: encode(marked(), "WEBP"), "image/webp"),
    "WebP lossless transparent": (lambda: encode(Image.new("RGBA", (60, 40), (0, 0, 255, 90)), "WEBP", lossless=True),
                                  "image/webp"),
    "HEIC": (lambda: encode(marked(), "HEIF"), "image/heic"),
    "AVIF": (lambda: encode(marked(), "AVIF"), "image/avif"),
}


@pytest.mark.parametrize("kind", sorted(GENERATED))
def test_every_mode_and_format_is_reencoded(kind):
    make, content_type = GENERATED[kind]
    data = make()
    encoded, stored_type, width, height = uploads.reencode(data, uploads.CONTENT_TYPES[content_type])
    stored = Image.open(io.BytesIO(encoded))
    assert stored.mode in ("RGB", "RGBA") and stored.size == (width, height)
    see_through = "transparent" in kind and content_type != "image/png"  # kept as PNG, its transparency with it
    assert stored_type == ("image/png" if content_type == "image/png" or see_through else "image/jpeg")
    assert not stored.getexif()


def test_a_transparent_image_stays_png_with_its_transparency():
    """Review r14: a transparent WebP laid on white in a JPEG was read by the LED reader as glare; kept as PNG, whoever
    reads it can tell a cut-out from a photo. An opaque WebP still becomes JPEG."""
    rgba = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    encoded, kind, _width, _height = images.reencode(encode(rgba, "WEBP", lossless=True), {"WEBP"})
    assert kind == "image/png" and Image.open(io.BytesIO(encoded)).getpixel((20, 20))[3] == 0
    assert images.reencode(encode(Image.new("RGBA", (40, 40), (9, 9, 9, 255)), "WEBP", lossless=True), {"WEBP"})[1] == "image/jpeg"


def test_sixteen_bit_grey_keeps_its_picture():
    encoded = images.reencode(sixteen_bit("I;16"), {"PNG"}, as_png=True)[0]
    stored = Image.open(io.BytesIO(encoded)).convert("L")
    assert stored.getpixel((5, 5)) == 255 and stored.getpixel((50, 5)) == 0


# ---- all eight EXIF orientations ------------------------------------------------------------------

# orientation → where the black corner shows once turned upright, in the upright image's size
ORIENTATIONS = {1: ("tl", (120, 80)), 2: ("tr", (120, 80)), 3: ("br", (120, 80)), 4: ("bl", (120, 80)),
                5: ("tl", (80, 120)), 6: ("tr", (80, 120)), 7: ("br", (80, 120)), 8: ("bl", (80, 120))}


def corner(image, where):
    x = 5 if where[1] == "l" else image.width - 6
    y = 5 if where[0] == "t" else image.height - 6
    return image.convert("L").getpixel((x, y))


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_all_eight_exif_orientations_are_applied(orientation, fmt):
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encode(marked(), fmt, exif=exif)
    encoded = images.reencode(data, {fmt}, as_png=True)[0]
    stored = Image.open(io.BytesIO(encoded))
    where, size = ORIENTATIONS[orientation]
    assert stored.size == size and corner(stored, where) < 60, (orientation, fmt)
    assert 0x0112 not in stored.getexif()


# ---- refused with a sentence, and the upload marked failed -----------------------------------------

@pytest.mark.parametrize("data,code", [
    (b"", "empty"), (b"not an image at all", "unreadable"), (encode(marked(), "GIF"), "format"),
    (encode(marked((400, 300)), "JPEG", progressive=True)[:400], "damaged"),
])
def test_bad_files_are_problems_with_a_code(data, code):
    with pytest.raises(images.ImageProblem) as raised:
        images.reencode(data, {"JPEG"})
    assert raised.value.code == code


@pytest.mark.parametrize("fmt", ["HEIF", "PNG", "WEBP"])
@pytest.mark.parametrize("keep", [0.5, 0.1])
@pytest.mark.parametrize("name", ["panel_01.jpg", "panel_02.jpg"])
def test_a_real_photo_cut_short_is_damaged_not_unreadable(name, fmt, keep):
    """Review r17: a phone photo saved as HEIC and cut in half was refused as "not a photo we can read" (Pillow finds
    no readable header: the HEIC's boxes name bytes past the end); its first bytes say it is a photo, cut short."""
    photo = ImageOps.exif_transpose(Image.open(PHOTOS / name)).convert("RGB")
    photo.thumbnail((1600, 1600))
    data = encode(photo, fmt)
    with pytest.raises(images.ImageProblem) as raised:
        images.reencode(data[:int(len(data) * keep)], {"JPEG", "PNG", "WEBP", "HEIF", "AVIF"})
    assert raised.value.code == "damaged", (name, fmt, keep)


def test_an_upload_that_cannot_be_reencoded_is_marked_failed_with_its_reason(login, db):
    up = Uploader(login("techa"))
    data = encode(marked((800, 600)), "JPEG", progressive=True)[:1500]  # cut short: cannot be decoded
    response = up.send(data, chunk=1000)
    assert response.status_code == 422 and response.json["error"]
    row = db.execute("SELECT error FROM uploads WHERE sha256 = ?", [hashlib.sha256(data).hexdigest()]).fetchone()
    assert row[0] == "reason:damaged"  # its reason, worded for whoever asks (review r7), not the first asker's words
    again = up.create(data)  # asking again gets the reason at once, not a new upload to send
    assert again.status_code == 422 and again.json["error"] == response.json["error"]
    assert db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 0


@pytest.mark.browser
def test_a_heic_photo_the_browser_cannot_decode_is_converted_by_the_server(app, server, db, user_ids, phone_profile):  # noqa: F811
    from playwright.sync_api import expect
    from tests.test_offline_browser import dispatch_order, open_job, tap_through, wait_synced
    heic = encode(marked((640, 480)), "HEIF")
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    tap_through(page, "accept", "make_appointment", "arrive")
    expect(page.locator(".order-head")).to_contain_text("到场")
    page.fill("#photo-form input[name=caption]", "iPhone 原图")
    page.set_input_files("#photo-form input[type=file]",
                        files=[{"name": "IMG_0002.HEIC", "mimeType": "image/heic", "buffer": heic}])
    expect(page.locator("#photos figure")).to_have_count(1)
    page.locator("#sync-now").tap()
    wait_synced(page)
    row = db.execute("SELECT content_type, width, height FROM blobs WHERE sha256 = ?",
                     [hashlib.sha256(heic).hexdigest()]).fetchone()
    assert tuple(row) == ("image/jpeg", 640, 480)
    assert context.errors == []


def _pad_png(draw):
    from PIL import ImageDraw
    image = Image.new("RGB", (680, 400), "white")
    draw(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_dot_or_a_tick_on_the_pad_is_not_a_signature_but_a_small_name_is():
    """A tap leaves a dot of ~30 dark pixels (more than MIN_INK_PIXELS): the server must not take it
    for a signature whichever phone sends it; a name written small (80 of 680 px) is one."""
    dot = _pad_png(lambda d: d.ellipse([200, 200, 206, 206], fill="black"))
    tick = _pad_png(lambda d: d.line([200, 200, 212, 203], fill="black", width=3))
    name = _pad_png(lambda d: d.line([280, 200, 360, 215], fill="black", width=3))
    assert images.ink_pixels(dot) >= images.MIN_INK_PIXELS
    assert not images.has_ink(dot) and not images.has_ink(tick)
    assert images.has_ink(name)


@pytest.mark.parametrize("content_type", ["image/jpeg", "image/heic"])
def test_an_empty_photo_file_is_refused_in_words_a_technician_understands(login, content_type):
    """A 0-byte photo (a cloud-only file, a camera app that crashed): the phone queues a HEIC it cannot
    decode as it is, so the server sees size 0. The answer is about the photo, not the protocol."""
    refused = Uploader(login("techa")).create(b"", content_type)
    assert refused.status_code == 422
    assert refused.json["error"] == "照片文件是空的（0 字节），请重新拍摄。"


@pytest.mark.parametrize("content_type, fmt", [("image/heic", "HEIF"), ("image/avif", "AVIF")])
def test_a_photo_the_phone_sent_as_it_is_is_downscaled_as_the_phone_does_others(login, db, content_type, fmt):
    """Review r15: the phone sends a HEIC or AVIF it cannot decode as it is; a 4032×3024 one was kept at full size
    where every other photo is at most 2048 px long (README "Photos"). A JPEG (or a burst's tall sheet) keeps its size."""
    big = encode(marked((4032, 3024)), fmt, quality=60)
    assert Uploader(login("techa")).send(big, content_type, chunk=256 * 1024).status_code == 204
    row = db.execute("SELECT content_type, width, height FROM blobs WHERE sha256 = ?", [hashlib.sha256(big).hexdigest()]).fetchone()
    assert tuple(row) == ("image/jpeg", 2048, 1536)
    tall = encode(marked((640, 6000)), "JPEG")
    assert Uploader(login("techb")).send(tall, "image/jpeg", chunk=256 * 1024).status_code == 204
    row = db.execute("SELECT width, height FROM blobs WHERE sha256 = ?", [hashlib.sha256(tall).hexdigest()]).fetchone()
    assert tuple(row) == (640, 6000)
