"""The phone reads a picked JPEG's header before it re-encodes it (offline/photos.js jpegColour), and the LED check
carries it (`source_jpeg`), so the reader knows how coarsely the picked file kept colour (review r60, D1: a gallery
photo of panel_02 at 600 pixels, quality 40, read its dim lit LAN "off" 0.92-0.99 through the app).

What the phone reads is judged against Pillow's own reading of the same files: subsamplings, progressive, an EXIF
block holding a thumbnail JPEG of its own, 16-bit tables, fill bytes, one table for brightness and colour, CMYK; a
greyscale JPEG, a file cut short and a PNG give nothing."""
import base64
import io
import json
import struct

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.test_led_browser import pull_reading
from tests.test_offline_browser import dispatch_order, go_offline, go_online, log_in, open_job, phone_profile, server  # noqa: F401
from tests.test_r12_review import MODELS, lit_read_off
from tests.test_r20_review import needs_photos
from tests.test_r9_review_browser import picked_draft
from tests.test_source_jpeg import gallery_photo, header, joined, resampled, segments

pytestmark = pytest.mark.browser


def saved(image, **options):
    out = io.BytesIO()
    image.save(out, "JPEG", **options)
    return out.getvalue()


def with_thumbnail(data):
    """An EXIF block (APP1) holding a whole coarse thumbnail JPEG with its own tables, before the photo's own."""
    thumb = saved(Image.new("RGB", (160, 120), (90, 20, 200)), quality=5, subsampling=0)
    found, rest = segments(data)
    return joined([(0xE1, b"Exif\x00\x00" + thumb)] + [s for s in found if s[0] != 0xE0], rest)


def sixteen_bit(data):
    """Each quantization table written again with 16-bit values (Pq = 1, T.81 B.2.4.1), in a segment of its own."""
    found, rest = segments(data)
    out = []
    for marker, body in found:
        if marker != 0xDB:
            out.append((marker, body))
            continue
        for p in range(0, len(body), 65):
            values = body[p + 1:p + 65]
            out.append((0xDB, bytes([0x10 | (body[p] & 15)]) + b"".join(struct.pack(">H", v * 3) for v in values)))
    return joined(out, rest)


def files():
    panel = Image.linear_gradient("L").resize((900, 600)).convert("RGB")
    panel.paste((200, 40, 30), (100, 100, 300, 200))
    plain = saved(panel, quality=40)
    found, rest = segments(plain)
    comment = [(0xFE, b"edited")] * 300
    return {
        # Review r61: bytes between segments that libjpeg, Chromium and Pillow skip, and the phone did not.
        "junk between segments": joined(found[:1], b"") + b"\x00\x00" + joined(found[1:], rest)[2:],
        "FF 00 between segments": joined(found[:1], b"") + b"\xff\x00" + joined(found[1:], rest)[2:],
        "a stray RST marker": joined(found[:1], b"") + b"\xff\xd0" + joined(found[1:], rest)[2:],
        "300 comments": joined(found[:1] + comment + found[1:], rest),
        "300 fill bytes": joined(found[:1], b"") + b"\xff" * 300 + joined(found[1:], rest)[2:],
        "4:4:0 (colour halved down)": resampled(saved(panel, quality=40, subsampling=0), 0x12, 0x11),
        "4:2:0, quality 40": plain,
        "4:4:4, quality 85": saved(panel, quality=85, subsampling=0),
        "4:2:2, quality 60": saved(panel, quality=60, subsampling=1),
        "progressive": saved(panel, quality=30, progressive=True),
        "portrait": saved(panel.rotate(90, expand=True), quality=50),
        "EXIF with a thumbnail": with_thumbnail(plain),
        "16-bit tables": sixteen_bit(plain),
        "fill bytes": joined(found, rest, fill=b"\xff\xff"),
        "one table for both": saved(panel, qtables=[[40] * 64]),
        "CMYK": saved(panel.convert("CMYK"), quality=50),
        "greyscale": saved(panel.convert("L"), quality=50),
        "cut short in its header": plain[:120],
        "PNG": (lambda out: (panel.save(out, "PNG"), out.getvalue())[1])(io.BytesIO()),
    }


def pillow(data):
    try:
        image = Image.open(io.BytesIO(data))
        return header(data) if image.format == "JPEG" and len(image.layer) >= 2 else None
    except Exception:  # noqa: BLE001 (Pillow cannot open it: no header to read)
        return None


def read_on_phone(server, phone_profile, function, cases):  # noqa: F811
    """{name: what offline/photos.js `function` reads of each file in `cases` ({name: bytes}), in the app's page."""
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")  # the app's page: its modules read the page they run in
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    return page.evaluate("""async ([name, cases]) => { const m = await import("/offline/photos.js");
        const out = {};
        for (const [file, data] of Object.entries(cases)) {
          const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
          out[file] = await m[name](new File([bytes], "picked"));
        }
        return out; }""", [function, {name: base64.b64encode(data).decode() for name, data in cases.items()}])


def test_the_phone_reads_a_jpeg_s_colour_from_its_header_as_pillow_does(server, phone_profile):  # noqa: F811
    cases = files()
    read = read_on_phone(server, phone_profile, "jpegColour", cases)
    expected = {name: pillow(data) for name, data in cases.items()}
    assert expected["EXIF with a thumbnail"] == expected["4:2:0, quality 40"]  # the thumbnail's own tables are not the photo's
    assert expected["16-bit tables"]["chroma_table_sum"] == 3 * expected["4:2:0, quality 40"]["chroma_table_sum"]
    assert [name for name, value in expected.items() if value is None] == ["greyscale", "cut short in its header", "PNG"]
    assert all(expected[name] == expected["4:2:0, quality 40"] for name in list(expected)[:5]), expected  # Pillow too
    assert expected["4:4:0 (colour halved down)"]["chroma_block"] == 16
    assert read == expected


def picked_offline_and_read(server, db, phone_profile, order_id, path, reload=False):  # noqa: F811
    """Pick the file at `path` for panel_02's LED check offline, save it (`reload`: after reloading the page, so the
    draft is the phone's kept copy, the header with it), sync, and check no lit light was read off. → the check's
    source_jpeg as stored."""
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    draft = picked_draft(page, MODELS["panel_02.jpg"], str(path))
    if reload:
        page.reload()
        expect(draft).to_be_visible(timeout=15000)
    draft.locator("[data-led-save]").tap()
    expect(page.locator(".led-check")).to_have_count(1)
    go_online(server, context, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    pull_reading(page, page.locator(".led-check").first)
    row = db.execute("SELECT source_jpeg, reading FROM led_checks WHERE order_id = ?", [order_id]).fetchone()
    assert row and row[0], row
    reading = json.loads(row[1])
    assert reading["leds"] and (not reading["quality"]["ok"] or lit_read_off(reading, "panel_02.jpg") == []), reading
    assert context.errors == []
    return json.loads(row[0])


@needs_photos
def test_a_coarse_gallery_photo_picked_offline_reads_no_lit_light_off(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    picked, _copy = gallery_photo(600, 40)
    path = tmp_path / "wechat-panel.jpg"
    path.write_bytes(picked)
    source = picked_offline_and_read(server, db, phone_profile, order_id, path, reload=True)
    assert source == header(picked), source


def webp_files():
    """Lossy WebPs at several qualities (one with EXIF: the extended format, VP8X), a lossless one, a JPEG, cut short."""
    scene = Image.linear_gradient("L").resize((900, 600)).convert("RGB")
    scene.paste((30, 200, 60), (100, 100, 300, 200))
    out = {}
    for quality in (5, 30, 60, 90):
        data = io.BytesIO()
        scene.save(data, "WEBP", quality=quality)
        out[f"quality {quality}"] = data.getvalue()
    data = io.BytesIO()
    scene.save(data, "WEBP", quality=30, exif=b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x00\x00")
    out["with EXIF (VP8X)"] = data.getvalue()
    from tests.test_webp_colour import big_icc_and_animated
    out["ICC profile over 64 KB"], out["animated"] = big_icc_and_animated(scene, 30)
    data = io.BytesIO()
    scene.save(data, "WEBP", lossless=True)
    out["lossless"] = data.getvalue()
    out["JPEG"] = saved(scene, quality=40)
    out["cut short"] = out["quality 30"][:28]
    return out


def test_the_phone_reads_a_webp_s_colour_step_as_the_server_does(server, phone_profile):  # noqa: F811
    """offline/photos.js webpColour against webapp/led/vp8.py on the same files."""
    from webapp.led import vp8
    cases = webp_files()
    read = read_on_phone(server, phone_profile, "webpColour", cases)
    expected = {}
    for name, data in cases.items():
        steps = vp8.chroma_ac_steps(data)
        expected[name] = {"side": 900, "chroma_ac_step": max(steps)} if steps else None
    assert [name for name, value in expected.items() if value is None] == ["lossless", "JPEG", "cut short"]
    assert expected["with EXIF (VP8X)"] == expected["quality 30"] == expected["ICC profile over 64 KB"]
    assert expected["animated"]
    assert read == expected


@needs_photos
def test_a_coarse_webp_picked_offline_reads_no_lit_light_off(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """panel_02 at 800 pixels saved as WebP at quality 30: the phone's JPEG copy alone read its dim lit LAN "off"."""
    order_id, _desk = dispatch_order(app, user_ids)
    image = Image.open(io.BytesIO(gallery_photo(800, 95)[0])).convert("RGB")
    picked = io.BytesIO()
    image.save(picked, "WEBP", quality=30)
    path = tmp_path / "panel.webp"
    path.write_bytes(picked.getvalue())
    source = picked_offline_and_read(server, db, phone_profile, order_id, path)
    assert set(source) == {"side", "chroma_ac_step"}, source
