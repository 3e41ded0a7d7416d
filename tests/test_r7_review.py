"""r7 review findings on the LED check's confirmation workflow (issue 18), as tests.

Each test says what was expected; each failed on main (945f9be) and passes on h19-ledserver."""
import io
import json
import pathlib
import subprocess
import sys
import uuid

import numpy as np
import pytest
from PIL import Image

from tests.conftest import Phone
from tests.test_led import upload
from tests.test_led_confirmations import LABELS, confirm, confirmations, every_light_off
from tests.test_led_read_attempts import MODEL, blob_path, photo, push_check, reading_of
from tests.test_sync import order_id  # noqa: F401  (fixture)
from tests.test_uploads import Uploader
from webapp import images
from webapp.led import catalog, reader

ROOT = pathlib.Path(__file__).resolve().parents[1]


def check_args(order_id, sha, **more):  # noqa: F811
    return {"order_id": order_id, "check_id": str(uuid.uuid4()), "capture": "photo", "sha256": sha, "frames": 1, **more}


def test_two_checks_synced_in_one_push_keep_the_order_they_were_taken_in(login, order_id, db):  # noqa: F811
    """checks.for_order sorts by (created_at, id): created_at is the push's receipt time, the same for a whole batch, and
    the id is the phone's random UUID. Offline the technician photographs the panel with no power (all off), fixes it,
    photographs it again (all on), confirms both; the phone then syncs once. The phone's fault tree takes the newest
    check (offline/screens/led-check.js ledSuggestion: the last of led_checks), so after the sync it may offer the stale
    "all off" (no power). Expected: the order they were taken in (the device time, or the order the phone sent them)."""
    phone = Phone(login("techa"))
    sha = upload(phone.session, photo())
    before, after = "ffffffff-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000000"  # ids sort the other way
    lit = [{"label": led["label"], "state": "on", "color": led["colors"][0]} for led in catalog.model(MODEL)["leds"]]
    batch = [phone.mutation("order.led_check", {**check_args(order_id, sha, model_id=MODEL), "check_id": before,
                                                "tapped": every_light_off()}),
             phone.mutation("order.led_check", {**check_args(order_id, sha, model_id=MODEL), "check_id": after,
                                                "tapped": lit})]
    assert [r["status"] for r in phone.push(batch).json["results"]] == ["applied", "applied"]
    pulled = next(c["data"] for c in phone.pull(None)["changes"] if c["table"] == "orders" and c["id"] == order_id)
    assert [c["id"] for c in pulled["led_checks"]] == [before, after]


@pytest.mark.parametrize("model_id", [["huawei-hg8546m"], {"id": "x"}])
def test_a_model_id_that_is_not_text_is_refused_not_a_server_error(login, order_id, model_id):  # noqa: F811
    """A hostile order.led_check with "model_id": [..] raised TypeError (unhashable) inside the push: a 500 that rolls
    the whole batch back, and the phone's outbox is stuck behind it for good. Expected: "rejected" like a wrong name."""
    phone = Phone(login("techa"))
    sha = upload(phone.session, photo())
    result = phone.push([phone.mutation("order.led_check", check_args(order_id, sha, model_id=model_id))]).json["results"][0]
    assert result["status"] == "rejected"


def test_a_confirmation_id_cannot_block_a_later_check_saved_with_taps(login, order_id, db):  # noqa: F811
    """order.led_check stores taps on every light as the confirmation "<check_id>/tapped" with a bare INSERT; an earlier
    order.led_confirm whose confirm_id is that text (any string ≤ 64 is accepted) makes the later check's push fail with
    IntegrityError (500, batch rolled back, outbox stuck). Expected: the check applies (ids the server makes up itself
    cannot be taken by a phone's id)."""
    phone = Phone(login("techa"))
    sha = upload(phone.session, photo())
    first = push_check(phone, order_id, sha)
    future = str(uuid.uuid4())
    squat = phone.push([phone.mutation("order.led_confirm", {"order_id": order_id, "confirm_id": f"{future}/tapped",
                                                              "check_id": first, "states": every_light_off()})]).json
    assert squat["results"][0]["status"] in ("applied", "rejected")
    result = phone.push([phone.mutation("order.led_check", {**check_args(order_id, sha, model_id=MODEL), "check_id": future,
                                                             "tapped": every_light_off()})]).json["results"][0]
    assert result["status"] == "applied"
    assert len(confirmations(db, future)) == 1


def test_a_stored_row_a_mutation_collides_with_refuses_that_mutation_alone(login, order_id, db):  # noqa: F811
    """Whatever makes one mutation hit an IntegrityError (here a confirmation stored under the id a later check's taps
    take, as a phone could squat before r7) refuses that mutation, not the batch: the change after it applies."""
    phone = Phone(login("techa"))
    sha = upload(phone.session, photo())
    first = push_check(phone, order_id, sha)
    future = str(uuid.uuid4())
    with db.conn:
        db.conn.execute("INSERT INTO led_confirmations (id, check_id, states, corrections, created_by, created_at)"
                        " VALUES (?, ?, '[]', '[]', NULL, '2026-01-01T00:00:00Z')", [f"{future}/tapped", first])
    batch = [phone.mutation("order.led_check", {**check_args(order_id, sha, model_id=MODEL), "check_id": future,
                                                "tapped": every_light_off()}),
             phone.mutation("order.led_check", check_args(order_id, sha, model_id=MODEL))]
    response = phone.push(batch)
    assert response.status_code == 200
    assert [r["status"] for r in response.json["results"]] == ["rejected", "applied"]
    assert not list(db.query("SELECT 1 FROM led_checks WHERE id = ?", [future]))


def test_a_confirmed_colour_must_be_one_the_light_can_show(login, order_id):  # noqa: F811
    """check_states accepts any catalog colour on any light: the HG8546M's LOS (red only) confirmed "green", its POWER
    (green only) "blue" are stored as field ground truth. Issue 18: colours "limited to the colours that light can show"."""
    phone = Phone(login("techa"))
    check_id = push_check(phone, order_id, upload(phone.session, photo()))
    states = [{"label": label, "state": "on", "color": "blue"} for label in LABELS]
    assert confirm(phone, order_id, check_id, states)["status"] == "rejected"


def test_a_colour_tapped_with_the_photo_must_be_one_the_light_can_show_and_the_reason_says_so(login, order_id):  # noqa: F811
    """The taps saved with the photo are checked like a confirmation: LOS (red only) tapped "green" is refused, saying
    which light and the colours it shows; an uncatalogued panel's lights may show any of the five colours."""
    tech = login("techa")
    tech.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    phone = Phone(tech)
    sha = upload(phone.session, photo())
    states = [{"label": label, "state": "on", "color": "red" if label == "LOS" else "green"} for label in LABELS]
    assert phone.push([phone.mutation("order.led_check", {**check_args(order_id, sha, model_id=MODEL), "tapped": states})]
                      ).json["results"][0]["status"] == "applied"
    states = [{"label": label, "state": "on", "color": "green"} for label in LABELS]
    result = phone.push([phone.mutation("order.led_check", {**check_args(order_id, sha, model_id=MODEL), "tapped": states})]
                        ).json["results"][0]
    assert result["status"] == "rejected" and "LOS" in result["error"] and "red" in result["error"], result
    custom = [{"label": label, "state": "on", "color": "blue"} for label in ("PWR", "NET")]
    assert phone.push([phone.mutation("order.led_check", {**check_args(order_id, sha, labels="PWR,NET"), "tapped": custom})]
                      ).json["results"][0]["status"] == "applied"


@pytest.mark.parametrize("names, words", [
    # "X,X,X" was accepted: three lights under one name, whose corrections and taps cannot be told apart.
    ("X,X,X", "same"), ("LAN,lan", "same"),
    # Review r58: these got "name its lights left to right (at most 16)", which says nothing of what to change; 电源 and the
    # other Chinese names are taken (test_led.py).
    ("POWER,💡", "at most 12 letters, digits or Chinese characters"),
    ("A" * 13, "at most 12 letters, digits or Chinese characters"),
    (",".join(f"L{n}" for n in range(17)), "at most 12 letters, digits or Chinese characters")])
def test_light_names_the_server_refuses_say_what_to_change(login, order_id, names, words):  # noqa: F811
    """An uncatalogued panel's names: each light once, each name short and plain; the refusal says which rule was broken."""
    tech = login("techa")
    tech.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    phone = Phone(tech)
    result = phone.push([phone.mutation("order.led_check", check_args(order_id, upload(phone.session, photo()), labels=names))]
                        ).json["results"][0]
    assert result["status"] == "rejected" and words in result["error"], result


def test_a_progressive_48_megapixel_jpeg_is_decoded_in_bounded_memory(tmp_path):
    """webapp/images.py: a 48-MP JPEG is read at half its sides "47 MB peak, as a 12-MP photo". That holds for a baseline
    JPEG only: a progressive one (what many apps and editors save) keeps the whole coefficient buffer, 184 MB peak growth
    in reencode (upload) and 141 MB in the LED reader on this box, with 2 decode slots per web process. Expected: the same
    bound as a baseline file (or a refusal before decoding)."""
    path = tmp_path / "p48.jpg"
    real = Image.open(ROOT.parent / "shared" / "led-photos" / "panel_01.jpg").convert("RGB")  # a real 12-MP phone photo
    pixels = np.asarray(real.resize((8000, 6000), Image.Resampling.BILINEAR)).astype(np.int16)
    pixels += np.random.default_rng(1).integers(-6, 7, size=pixels.shape, dtype=np.int16)  # a sensor's noise
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(path, quality=80, progressive=True)  # ~3.3 MB
    # The peak is measured from the decode on (Linux: clear_refs 5 resets VmHWM; ru_maxrss would carry pytest's own peak).
    probe = ("import re, sys; sys.path.insert(0, %r); from webapp import images; data = open(%r, 'rb').read();"
             "hwm = lambda: int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1));"
             "rss = lambda: int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1));"
             "open('/proc/self/clear_refs', 'w').write('5'); base = rss()\n"
             "try:\n    images.reencode(data, {'JPEG'}); refused = ''\n"
             "except images.ImageProblem as problem:\n    refused = problem.code\n"
             "print((hwm() - base) // 1024, refused)") % (str(ROOT), str(path))
    grown, *refused = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert int(grown) <= 80, f"{grown} MB peak growth decoding a progressive 48-MP JPEG"
    assert refused in ([], ["pixels"])  # refused before decoding, as too many pixels (the 12-MP advice), or read
    with pytest.raises(images.ImageProblem) as problem:  # the LED reader's way in: the same refusal
        images.open_checked(path.read_bytes(), before_load=lambda image: image.draft("RGB", (2000, 1500)))
    assert problem.value.code == "pixels"


def test_a_file_too_large_from_a_high_resolution_mode_is_refused_as_too_many_pixels():
    """A 48-MP PNG over 15 MB was refused as "too large" only: its header says a high-resolution mode, so it is refused
    as too many pixels (the words say to use the phone's 12-MP mode); a 12-MP file over 15 MB stays "too big"."""
    def padded(size):
        out = io.BytesIO()
        Image.new("RGB", size, (40, 40, 40)).save(out, "PNG")
        return out.getvalue() + bytes(images.MAX_BYTES)  # after IEND: more bytes than allowed, the same header
    for size, code in (((8000, 6000), "pixels"), ((4000, 3000), "too_big")):
        with pytest.raises(images.ImageProblem) as problem:
            images.open_checked(padded(size))
        assert problem.value.code == code, size


def test_a_refused_photo_is_explained_in_the_language_of_who_asks(login, tmp_path):
    """A 60-MP JPEG refused once (zh) is answered in Chinese to an English request for the same upload: the stored
    failure reason is the first request's words. Expected: the English sentence."""
    tech = login("techa")
    buffer = tmp_path / "p60.jpg"
    Image.new("RGB", (8944, 6708), (40, 40, 40)).save(buffer, quality=70)
    data = buffer.read_bytes()
    tech.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert Uploader(tech).send(data, chunk=1 << 20).status_code == 422
    tech.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    again = Uploader(tech).send(data, chunk=1 << 20)
    assert again.status_code == 422 and "12-megapixel" in again.json["error"], again.json


def test_a_stored_file_the_server_cannot_decode_ends_as_not_read_with_the_reader_version(app, login, order_id, db):  # noqa: F811
    """A stored LED photo that no longer decodes ended "unreadable" (the phone asked for a retake of a photo it had read
    itself) with no reader version. Expected: the reading-failed path's "not_read" (the technician reads the lights by
    eye), with the version."""
    tech = login("techa")
    phone = Phone(tech)
    sha = upload(tech, photo())
    blob_path(app, db, sha).write_bytes(b"\xff\xd8\xff\xe0 not a whole JPEG any more")
    check_id = push_check(phone, order_id, sha)  # ONTRACK_JOBS_IMMEDIATE: read during the push
    reading = reading_of(db, check_id)
    assert reading["quality"]["problems"] == ["not_read"] and reading["leds"] == []
    assert reading["reader"] == reader.VERSION


def test_an_upload_over_15_mb_from_a_high_resolution_mode_is_told_to_use_the_12_megapixel_mode(login):
    """The size is refused before any byte arrives: when the phone announces the pixels (width, height), a 48-MP file
    is told to use the 12-MP mode; without them, or for a 12-MP file, the size limit is said."""
    tech = login("techa")
    tech.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def create(**more):
        return tech.client.post("/api/uploads", json={"sha256": "a" * 64, "size": images.MAX_BYTES + 1,
                                                      "content_type": "image/png", **more},
                                headers={"X-CSRFToken": tech.token})
    high = create(width=8000, height=6000)
    assert high.status_code == 413 and "12-megapixel" in high.json["error"], high.json
    for more in ({}, {"width": 4000, "height": 3000}, {"width": "8000", "height": [6000]}):
        plain = create(**more)
        assert plain.status_code == 413 and "12-megapixel" not in plain.json["error"] and "MB" in plain.json["error"]
