"""Review r9: an upload refused for its declared type is remembered by its bytes' hash, so the same photo sent again
with the right type is still refused, with a reason ("文件的实际格式与声明的不符") that is no longer true."""
import io
import pathlib

import pytest
from PIL import Image

from tests.test_sync import order_id  # noqa: F401  (fixture)
from tests.test_uploads import Uploader


def png_bytes():
    image = Image.new("RGB", (640, 480), (40, 60, 80))
    image.putpixel((3, 3), (200, 10, 10))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_photo_refused_for_a_wrong_declared_type_is_taken_when_sent_with_its_right_type(login):
    up = Uploader(login("techa"))
    data = png_bytes()
    wrong = up.send(data, "image/jpeg")
    assert wrong.status_code == 422  # a PNG is not a JPEG: refused, rightly
    right = up.send(data, "image/png")
    assert right.status_code in (200, 204), (right.status_code, right.get_json())


# Review r9: a photo with no light row in it (the desk's wood under panel_01, a corner of cables) is "read" — quality
# ok, every light "unsure" leaning "off" at 75 %, marks drawn at the photo's edge — instead of the retake the issue asks
# for ("a row that cannot be located is a retake"): the phone says "已从照片读出" of a photo of a desk.
LED_PHOTOS = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "led-photos"


def _crop_jpeg(name, box, size):
    image = Image.open(LED_PHOTOS / name)
    image.draft("RGB", (2016, 1512))
    image = image.convert("RGB")
    w, h = image.size
    crop = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h))).resize(size)
    out = io.BytesIO()
    crop.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.mark.xfail(strict=True, reason="open (review r9): a frame with no light row is read all unsure, not sent back; "
                   "branch h25-norow catches these two but sent back 10 more good dev renders (17/400) for 3 bad ones")
def test_a_photo_without_any_light_row_is_a_retake_not_a_reading():
    from webapp.led import catalog, checks
    for name, box in [("panel_01.jpg", (0.0, 0.8, 0.2, 1.0)), ("panel_02.jpg", (0.5, 0.0, 1.0, 0.4))]:
        reading, _thumb = checks.analyze(_crop_jpeg(name, box, (1200, 900)), "photo", 1, catalog.model("zte-f6005"))
        assert not reading["quality"]["ok"], (name, reading["quality"], [led["state"] for led in reading["leds"]])


# Review r9: the photo is "re-encoded with no metadata", but a JPEG comment (COM segment, where some camera and
# timestamp apps write the place) is carried over: Pillow's JPEG writer copies image.info["comment"].
def test_a_jpeg_comment_with_a_place_is_not_served_back():
    from webapp.sync import uploads
    image = Image.new("RGB", (800, 600), (200, 210, 220))
    out = io.BytesIO()
    image.save(out, "JPEG", comment=b"taken at 39.9075N 116.3972E")
    encoded = uploads.reencode(out.getvalue(), "JPEG")[0]
    assert b"39.9075N" not in encoded


# Review r9: the phone pre-selects the model from the order's "ont_model" by substring (offline/led.js modelFor); the
# first catalog model whose short name is inside the text wins, so an order for a "ZTE F6005v3" (5 lights: POWER, PON,
# ALARM, UPDATE, LAN) opens on the F6005 (4 lights: POWER, LOS, PON, LAN) and every light gets another light's name.
@pytest.mark.parametrize("text, expected", [
    ("ZTE F6005v3", "zte-f6005v3"), ("ZTE F6005 v3", "zte-f6005v3"), ("ZTE F6005", "zte-f6005"),
    ("ZTE F601", "zte-f601"),  # the catalog names it "F601 v1"
    ("ZTE F6010", "none"),  # another device: no digit may run on after a name
    ("华为 EchoLife HG8546M", "huawei-hg8546m"), ("ZXHN F660", "zte-f660"), ("g140wc", "nokia-g-140w-c"),
    ("8546", "huawei-hg8546m"), ("", "none")])
def test_the_model_named_on_the_order_is_the_one_preselected(text, expected):
    import shutil
    import subprocess
    node = shutil.which("node")  # `make install` puts it there (the Lighthouse benchmark's)
    root = pathlib.Path(__file__).resolve().parent.parent
    script = ("global.window = global; require(process.argv[1]);"
              "const cat = require(process.argv[2]); const ref = {models: cat.models || cat};"
              "const m = window.ONTrackLed.modelFor(ref, process.argv[3]); console.log(m ? m.id : 'none');")
    found = subprocess.run([node, "-e", script, str(root / "offline" / "led.js"), str(root / "webapp" / "led" / "catalog.json"), text],
                           capture_output=True, text=True, timeout=30, check=True).stdout.strip()
    assert found == expected


# Review r9: on a closed order the server refuses a note ("Notes can only be added to an open order") but takes a new
# LED check, with taps that stand as its confirmation, weeks after the order was closed and its report signed.
def test_an_led_check_on_a_closed_order_is_refused_like_a_note(login, order_id, db):  # noqa: F811
    import uuid

    from tests.conftest import Phone
    from tests.test_led import upload
    tech = login("techa")
    phone = Phone(tech)
    photo = io.BytesIO()
    Image.new("RGB", (1200, 900), (90, 90, 90)).save(photo, "JPEG")
    sha = upload(tech, photo.getvalue())
    db.execute("UPDATE orders SET state = 'closed' WHERE id = ?", [order_id])  # the order went the whole way meanwhile
    db.commit()
    note = phone.push([phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "x"})])
    assert note.json["results"][0]["status"] == "rejected"
    check = phone.push([phone.mutation("order.led_check", {
        "order_id": order_id, "check_id": str(uuid.uuid4()), "model_id": "zte-f6005", "capture": "photo", "sha256": sha,
        "frames": 1, "tapped": [{"label": label, "state": "off", "color": None} for label in ("POWER", "LOS", "PON", "LAN")]})])
    assert check.json["results"][0]["status"] == "rejected", check.json


def test_an_upload_offset_that_is_no_number_is_named_so(login):
    """Review r9 (minor): "Upload-Offset: abc" was answered "the header is missing"."""
    up = Uploader(login("techa"))
    data = png_bytes()
    upload_id = up.create(data, "image/png").json["upload_id"]
    for offset, words in (("abc", "字节数"), ("-5", "字节数"), ("٥", "字节数"), (None, "缺少")):
        headers = {"Content-Type": "application/offset+octet-stream", "X-CSRFToken": up.session.token}
        if offset is not None:
            headers["Upload-Offset"] = offset
        answer = up.session.client.patch(f"/api/uploads/{upload_id}", data=data, headers=headers)
        assert answer.status_code == 400 and words in answer.json["error"], (offset, answer.status_code, answer.json)

