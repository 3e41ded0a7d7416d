"""A gallery photo saved coarsely (review r60, D1): the phone re-encodes every picked photo at JPEG 0.85 and the server
again at 85, so the stored file's own tables say quality 85, and the reader (.47, _coarse_chroma) could not see that the
picked file had rounded a dim LED's tint away: panel_02 at 600 pixels, quality 40, read its lit LAN "off" 0.92-0.99.

The phone now reads the picked JPEG's header (offline/photos.js jpegColour) and the check carries it as `source_jpeg`
(webapp/led/checks.py); the reader keeps the coarser of the two files' colour. Here the server's side over HTTP; the
phone's side in tests/test_source_jpeg_browser.py."""
import io
import json
import struct
import uuid

import pytest
from PIL import Image

from tests.conftest import Phone
from tests.test_led import upload
from tests.test_r12_review import jpeg, lit_read_off
from tests.test_r20_review import needs_photos, told
from tests.test_r8_review import photo, truth
from tests.test_sync import order_id  # noqa: F401  (fixture)
from webapp.led import checks, reader
from webapp.sync import uploads

NOT_VALID_ZH = "照片文件的信息无效：请重新选择这张照片。"


def header(data):
    """What the phone reads of a JPEG's header (jpegColour), read here by Pillow: its long side, the size of its colour
    blocks (across or down, the larger) and its colour table's sum."""
    image = Image.open(io.BytesIO(data))
    (_, luma_h, luma_v, _), (_, colour_h, colour_v, table) = image.layer[0][:4], image.layer[1][:4]
    return {"side": max(image.size), "chroma_block": 8 * max(luma_h / colour_h, luma_v / colour_v),
            "chroma_table_sum": sum(image.quantization[table])}


def segments(data):
    """A baseline JPEG's header segments up to its scan → ([(marker, body)], the rest from SOS on)."""
    at, found = 2, []
    while data[at + 1] != 0xDA:
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        found.append((data[at + 1], data[at + 4:at + 2 + length]))
        at += 2 + length
    return found, data[at:]


def joined(found, rest, fill=b""):
    return b"\xff\xd8" + b"".join(fill + b"\xff" + bytes([m]) + struct.pack(">H", len(b) + 2) + b for m, b in found) + rest


def resampled(data, luma, colour):
    """The file with its first two components' sampling bytes (H << 4 | V) set: 4:4:0 (colour halved down only) is what
    a lossless turn of a 4:2:2 camera JPEG gives, and Pillow cannot write it. Its header is read, not its pixels."""
    found, rest = segments(data)
    out = []
    for marker, body in found:
        if marker == 0xC0:
            body = bytearray(body)
            body[7], body[10] = luma, colour
            body = bytes(body)
        out.append((marker, body))
    return joined(out, rest)


def gallery_photo(side=600, quality=40):
    """panel_02 made smaller and saved coarsely (a chat app's copy) → (the file picked, the phone's 0.85 copy of it)."""
    image = photo("panel_02.jpg")
    image.thumbnail((side, side), Image.LANCZOS)
    picked = jpeg(image, quality)
    return picked, jpeg(Image.open(io.BytesIO(picked)), 85)


def header_alone(monkeypatch):
    """The header's part alone: the reader's own look at the stored copy's pixels for an earlier, coarser compression
    (reader._primary_scale, tests/test_primary_quantization.py) finds these photos too, and is set aside here."""
    monkeypatch.setattr(reader, "PRIMARY_ABOVE", float("inf"))


def push_check(phone, order_id, sha, **extra):  # noqa: F811
    labels = ",".join(led["label"] for led in truth("panel_02.jpg")["leds"])
    mutation = phone.mutation("order.led_check", {"order_id": order_id, "check_id": str(uuid.uuid4()), "labels": labels,
                                                  "capture": "photo", "sha256": sha, "frames": 1, **extra})
    return mutation


@needs_photos
@pytest.mark.parametrize("side,quality", [(600, 40), (700, 30), (1024, 30)])
def test_a_coarse_gallery_photo_sent_through_the_phone_and_the_server_reads_no_dim_lens_off(side, quality, monkeypatch):
    header_alone(monkeypatch)
    picked, phone = gallery_photo(side, quality)
    stored, _type, _width, _height = uploads.reencode(phone, "JPEG")
    image = reader.open_photo(stored, source=checks.source_jpeg(header(picked)))
    result = reader.read([image], told("panel_02.jpg", "names"))
    assert not result["quality"]["ok"] or lit_read_off(result, "panel_02.jpg") == []


def test_colour_halved_down_only_makes_blocks_as_tall():
    """4:4:0 (what a lossless turn of a 4:2:2 JPEG gives): colour blocks 16 pixels tall, 8 wide; the larger counts."""
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 130, 110)).save(out, "JPEG", quality=50, subsampling=0)
    assert reader._chroma_coarseness(Image.open(io.BytesIO(out.getvalue())))[0] == 8
    assert reader._chroma_coarseness(Image.open(io.BytesIO(resampled(out.getvalue(), 0x12, 0x11))))[0] == 16


def test_the_coarser_of_the_picked_file_and_the_stored_copy_is_kept():
    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), (120, 130, 110)).save(out, "JPEG", quality=85)  # 4:2:0: blocks of 16 pixels
    own = reader.open_photo(out.getvalue()).info
    assert own["chroma_block"] == pytest.approx(16 * 1000 / 2000) and own["chroma_scale"] == pytest.approx(0.3, abs=0.02)
    coarse = {"side": 500, "chroma_block": 16.0, "chroma_table_sum": 5505 * 2}  # picked at 500 pixels, quality 25
    info = reader.open_photo(out.getvalue(), source=coarse).info
    assert (info["chroma_block"], info["chroma_scale"]) == (pytest.approx(16 * 1000 / 500), pytest.approx(2.0))
    fine = {"side": 4000, "chroma_block": 8.0, "chroma_table_sum": 64}  # a 4:4:4 camera original at quality 100
    assert reader.open_photo(out.getvalue(), source=fine).info["chroma_scale"] == own["chroma_scale"]


@needs_photos
def test_the_check_carries_the_picked_file_s_header_to_the_reading(app, login, order_id, db, monkeypatch):  # noqa: F811
    header_alone(monkeypatch)
    tech = login("techa")
    phone = Phone(tech)
    picked, copy = gallery_photo()
    sha = upload(tech, copy)
    mutation = push_check(phone, order_id, sha, source_jpeg=header(picked))
    result = phone.push([mutation]).json["results"][0]
    assert result["status"] == "applied", result
    check_id = mutation["args"]["check_id"]
    row = db.execute("SELECT source_jpeg, reading FROM led_checks WHERE id = ?", [check_id]).fetchone()
    assert json.loads(row[0]) == header(picked)
    reading = json.loads(row[1])  # read by the job once the push committed (ONTRACK_JOBS_IMMEDIATE)
    assert not reading.get("pending") and reading["leds"], reading
    assert reading["quality"]["ok"] is False or lit_read_off(reading, "panel_02.jpg") == []


GOOD = {"side": 640, "chroma_block": 16.0, "chroma_table_sum": 6904}


@pytest.mark.parametrize("bad", [
    "600,16,6904", [600, 16, 6904], {}, {"side": 600, "chroma_block": 16}, {**GOOD, "quality": 40},
    {**GOOD, "side": 0}, {**GOOD, "side": 639}, {**GOOD, "side": 1}, {**GOOD, "side": 70000}, {**GOOD, "side": 600.5}, {**GOOD, "side": True}, {**GOOD, "side": "600"},
    {**GOOD, "chroma_block": 4}, {**GOOD, "chroma_block": 64}, {**GOOD, "chroma_block": None}, {**GOOD, "chroma_block": False},
    {**GOOD, "chroma_table_sum": 10}, {**GOOD, "chroma_table_sum": 10 ** 12}, {**GOOD, "chroma_table_sum": 6904.5},
])
def test_a_header_that_is_not_one_is_refused_with_words_and_the_rest_of_the_push_is_kept(login, order_id, db, bad):  # noqa: F811
    tech = login("techa")
    phone = Phone(tech)
    out = io.BytesIO()
    Image.linear_gradient("L").resize((640, 480)).convert("RGB").save(out, "JPEG")
    sha = upload(tech, out.getvalue())
    note = phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "光猫 LOS 红灯"})
    refused, kept = push_check(phone, order_id, sha, source_jpeg=bad), push_check(phone, order_id, sha, source_jpeg=GOOD)
    results = {r["seq"]: r for r in phone.push([refused, note, kept]).json["results"]}
    assert results[refused["seq"]]["status"] == "rejected" and results[refused["seq"]]["error"] == NOT_VALID_ZH, results
    assert [results[m["seq"]]["status"] for m in (note, kept)] == ["applied", "applied"], results
    assert db.execute("SELECT source_jpeg FROM led_checks WHERE order_id = ?", [order_id]).fetchall() == [(json.dumps(GOOD),)]


def test_a_burst_carries_no_picked_file(login, order_id, db):  # noqa: F811
    """A burst is the phone's own camera frames: a header sent with one is not the burst's, and is not kept."""
    tech = login("techa")
    phone = Phone(tech)
    out = io.BytesIO()
    Image.linear_gradient("L").resize((640, 480 * 10)).convert("RGB").save(out, "JPEG")
    mutation = push_check(phone, order_id, upload(tech, out.getvalue()), source_jpeg=GOOD)
    mutation["args"].update(capture="burst", frames=10)
    assert phone.push([mutation]).json["results"][0]["status"] == "applied"
    assert db.execute("SELECT source_jpeg FROM led_checks WHERE order_id = ?", [order_id]).fetchall() == [(None,)]
