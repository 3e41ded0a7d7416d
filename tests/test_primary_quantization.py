"""A coarse JPEG saved again finely (reviews r61, r62): a photo a chat app sent small and coarse, then edited or cropped
in the gallery, is saved at quality 90-95; its header says so, the phone's copy (0.85) and the server's (85) say 85, and
the picked file's header (`source_jpeg`, tests/test_source_jpeg.py) says 95 too. The dim lit LAN of panel_02 made 600
pixels wide at quality 40 and saved again at 95 read "off" 0.99 through the app.

The reader now measures the earlier compression from the stored copy's pixels (reader._primary_scale): DCT coefficients
cluster at multiples of the coarser first table's steps. Here: such photos through the phone's and the server's re-encoding and over HTTP (cut on the 8-pixel block grid too; a cut off it is not found:
the reader's docstring says why), and photos compressed once (real ones at several sizes and
qualities, held-out renders), which must show no earlier compression."""
import io
import json

import numpy as np
import pytest
from PIL import Image, ImageFilter, ImageOps

from tests.conftest import Phone
from tests.led_render import make_case
from tests.test_led import upload
from tests.test_r12_review import jpeg, lit_read_off
from tests.test_r20_review import PHOTOS, needs_photos, told
from tests.test_r8_review import photo
from tests.test_source_jpeg import push_check
from tests.test_sync import order_id  # noqa: F401  (fixture)
from webapp.led import reader
from webapp.sync import uploads


def saved_again(side, first, again, crop=None):
    """panel_02 `side` pixels on its long side saved at quality `first` (a chat app's copy), cut by `crop` (left, top)
    pixels if given, and saved again at `again` (a gallery edit) → the file picked; then the phone's 0.85 copy of it."""
    image = photo("panel_02.jpg")
    image.thumbnail((side, side), Image.LANCZOS)
    coarse = Image.open(io.BytesIO(jpeg(image, first)))
    if crop:
        coarse = coarse.crop((crop[0], crop[1], coarse.width, coarse.height))
    picked = jpeg(coarse, again)
    return picked, jpeg(Image.open(io.BytesIO(picked)), 85)


def luma(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), np.float32)


def standard_scale(quality):
    """libjpeg's table scale at `quality` (1.0 at 50)."""
    return (5000 / quality if quality < 50 else 200 - 2 * quality) / 100


@needs_photos
@pytest.mark.parametrize("side, first, again, crop", [
    (600, 40, 95, None), (700, 30, 95, None), (1024, 30, 90, None), (600, 40, 95, (8, 16)), (800, 35, 92, (24, 8))])
def test_a_coarse_photo_saved_again_finely_reads_no_dim_lens_off(side, first, again, crop, monkeypatch):
    _picked, phone = saved_again(side, first, again, crop)
    stored, _type, _width, _height = uploads.reencode(phone, "JPEG")
    image = reader.open_photo(stored)
    assert image.info["chroma_scale"] == pytest.approx(standard_scale(first), rel=0.1)
    result = reader.read([image], told("panel_02.jpg", "names"))
    assert not result["quality"]["ok"] or lit_read_off(result, "panel_02.jpg") == []
    # Without the pixels' evidence the stored copy's own tables (quality 85) are all there is to go on:
    monkeypatch.setattr(reader, "PRIMARY_ABOVE", float("inf"))
    plain = reader.open_photo(stored)
    assert plain.info["chroma_scale"] == pytest.approx(standard_scale(85), abs=0.02)


@needs_photos
def test_the_reading_job_sees_the_earlier_compression_without_the_picked_files_header(app, login, order_id, db):  # noqa: F811
    """Over HTTP, as a phone whose header reading found nothing (it read quality 95) or a desk upload sends it."""
    tech = login("techa")
    phone = Phone(tech)
    _picked, copy = saved_again(600, 40, 95)
    mutation = push_check(phone, order_id, upload(tech, copy))
    result = phone.push([mutation]).json["results"][0]
    assert result["status"] == "applied", result
    row = db.execute("SELECT reading FROM led_checks WHERE id = ?", [mutation["args"]["check_id"]]).fetchone()
    reading = json.loads(row[0])  # read by the job once the push committed (ONTRACK_JOBS_IMMEDIATE)
    assert not reading.get("pending") and reading["leds"], reading
    assert reading["quality"]["ok"] is False or lit_read_off(reading, "panel_02.jpg") == []


# The turn or mirror an EXIF orientation asks for (Pillow's transposes), and its undoing: the pixels a camera stores.
TURNS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
         5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
         8: Image.Transpose.ROTATE_90}
UNDO = {**TURNS, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def with_orientation(pixels, quality, orientation):
    """`pixels` as stored saved at `quality` with the EXIF `orientation` tag (a camera or gallery's file)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


@needs_photos
@pytest.mark.parametrize("orientation, first", [(o, 30) for o in sorted(TURNS)] + [(3, 15), (3, 20), (7, 20), (7, 25)])
def test_a_coarse_photo_turned_before_it_was_saved_again_is_found(orientation, first):
    """Review r64: a gallery photo stored with an EXIF orientation is turned upright by the phone before its copy
    (photos.js, createImageBitmap "from-image") or by the server: the first compression's blocks then start at the far
    edge of a turned axis (700 × 394 pixels: 4 and 2 pixels off the grid) and a quarter turn swaps its table's
    frequencies. panel_02 700 pixels wide, quality `first`, stored turned, saved again at 95 with its tag; the phone's
    copy upright at 85, the server's at 85: the first quality is found and no lit light is read off (it was: LAN off
    0.9). Review r65: turned half a turn (3, 7), the first quality 15-25 was not found while the limit on coefficients
    between zero and half a step was the file's own grid's (PRIMARY_MOVED)."""
    image = photo("panel_02.jpg")
    image.thumbnail((700, 700), Image.LANCZOS)
    chat_copy = with_orientation(image.transpose(UNDO[orientation]), first, orientation)
    picked = with_orientation(Image.open(io.BytesIO(chat_copy)), 95, orientation)
    stored_upright = Image.open(io.BytesIO(picked))
    assert stored_upright.getexif()[0x0112] == orientation
    phone = jpeg(ImageOps.exif_transpose(stored_upright), 85)
    for sent in (phone, picked):  # the phone's copy, and the file as a desk upload sends it (the server turns it)
        stored, _type, _width, _height = uploads.reencode(sent, "JPEG")
        opened = reader.open_photo(stored)
        assert opened.size == (700, 394)
        assert opened.info["chroma_scale"] == pytest.approx(standard_scale(first), rel=0.1)
        result = reader.read([opened], told("panel_02.jpg", "names"))
        assert not result["quality"]["ok"] or lit_read_off(result, "panel_02.jpg") == []


@needs_photos
def test_the_file_s_own_brightness_table_is_the_one_its_frame_header_names():
    """A JPEG may give its brightness any of its tables (the frame header's selector, ITU-T T.81 B.2.2): compressed
    once, its brightness with table 1 (quality 40's steps) and its colour with table 0 (quality 75's), it shows no
    earlier compression; measured against table 0 it would show quality 40 before a quality 75 (review r64)."""
    image = photo("panel_02.jpg")
    image.thumbnail((800, 800), Image.LANCZOS)
    fine, coarse = tables_of(75)[0], tables_of(40)[0]
    out = io.BytesIO()
    image.save(out, "JPEG", qtables=[fine, coarse], subsampling=2)
    data = bytearray(out.getvalue())
    frame = data.index(b"\xff\xc0")  # SOF0: length, precision, height, width, 3 components of (id, sampling, table)
    for component in range(3):  # brightness rounded by table 1's steps, colour by table 0's: swap the selectors
        data[frame + 10 + 3 * component + 2] = 1 if component == 0 else 0
    opened = Image.open(io.BytesIO(bytes(data)))
    assert opened.layer[0][3] == 1
    assert reader._primary_scale(luma(bytes(data)), opened.quantization[1]) is None
    assert reader.open_photo(bytes(data)).info["chroma_scale"] == pytest.approx(reader._chroma_coarseness(opened)[1])


@needs_photos
@pytest.mark.parametrize("name", sorted(p.name for p in PHOTOS.glob("panel_*.jpg")))
def test_a_real_photo_compressed_once_shows_no_earlier_compression(name):
    """Each real photo made 600, 1000 and 1600 pixels and saved once at quality 50, 70, 85 and 95: any scale found is
    under PRIMARY_ABOVE times the file's own, and the reader keeps the file's own."""
    original = photo(name)
    for side in (600, 1000, 1600):
        image = original.copy()
        image.thumbnail((side, side), Image.LANCZOS)
        for quality in (50, 70, 85, 95):
            data = jpeg(image, quality)
            opened = Image.open(io.BytesIO(data))
            assert reader._primary_scale(luma(data), opened.quantization[0]) is None, (side, quality)
            assert reader.open_photo(data).info["chroma_scale"] == pytest.approx(reader._chroma_coarseness(opened)[1])


def tables_of(quality):
    return Image.open(io.BytesIO(jpeg(Image.new("RGB", (16, 16)), quality))).quantization


@needs_photos
@pytest.mark.parametrize("how", [{"quality": 10}, {"quality": 12}, {"quality": "web_medium"}, {"quality": "medium"},
                                 {"qtables": [tables_of(60)[0], tables_of(90)[1]]},
                                 {"qtables": [tables_of(75)[0], tables_of(95)[1]]}])
def test_a_photo_compressed_once_by_other_tables_shows_no_earlier_compression(how):
    """Review r63: measured against the file's colour table, a photo compressed once was found compressed before where
    libjpeg clips that table at 255 (quality 10, 12) and where the encoder rounds colour more finely than brightness
    (Pillow's presets, an encoder's own tables): its own brightness steps were taken for an earlier compression."""
    image = photo("panel_02.jpg")
    image.thumbnail((800, 800), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", **how)
    opened = Image.open(io.BytesIO(out.getvalue()))
    assert reader._primary_scale(luma(out.getvalue()), opened.quantization[0]) is None
    assert reader.open_photo(out.getvalue()).info["chroma_scale"] == pytest.approx(reader._chroma_coarseness(opened)[1])


def test_held_out_renders_show_no_earlier_compression():
    """Renders saved once (quality 70-95, the benchmark's held-out seeds): the reader keeps each file's own scale."""
    for seed in range(30000, 30012):
        data = make_case(seed, "single")["photos"][0]
        own = reader._chroma_coarseness(Image.open(io.BytesIO(data)))[1]
        assert reader.open_photo(data).info["chroma_scale"] == pytest.approx(own), seed


def test_a_textured_picture_saved_coarsely_then_finely_shows_its_first_quality():
    """Noise blurred to a photo's texture, saved at quality 20, 30 or 45, then at 95 and twice at 85 (the phone, the
    server): the first quality's scale is found; saved at 85 alone, nothing is."""
    rng = np.random.default_rng(7)
    texture = Image.fromarray(rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)).filter(ImageFilter.GaussianBlur(2))
    for first in (20, 30, 45):
        data = jpeg(texture, first)
        for again in (95, 85, 85):
            data = jpeg(Image.open(io.BytesIO(data)), again)
        assert reader._primary_scale(luma(data)) == pytest.approx(standard_scale(first), rel=0.1), first
    once = reader._primary_scale(luma(jpeg(texture, 85)))
    assert once is None or once < reader.PRIMARY_ABOVE * standard_scale(85)


def test_a_picture_too_small_to_judge_gives_nothing():
    assert reader._primary_scale(np.full((40, 2000), 128, np.float32)) is None
    assert reader._primary_scale(np.full((600, 800), 128, np.float32)) is None  # no coefficient off zero
