"""Resumable, content-addressed uploads of photos: offsets, idempotency, hostile files, EXIF removed."""
import hashlib
import io
import uuid

import pytest
from PIL import Image

from tests.conftest import Phone
from tests.test_sync import order_id  # noqa: F401  (fixture)


def jpeg(size=(640, 480), exif_gps=False, colour=(200, 30, 30)):
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPSInfo
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


class Uploader:
    def __init__(self, session):
        self.session = session

    def create(self, data, content_type="image/jpeg", sha=None):
        return self.session.client.post("/api/uploads", json={
            "sha256": sha or hashlib.sha256(data).hexdigest(), "size": len(data), "content_type": content_type},
            headers={"X-CSRFToken": self.session.token})

    def patch(self, upload_id, offset, chunk):
        return self.session.client.patch(f"/api/uploads/{upload_id}", data=chunk, headers={
            "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream", "X-CSRFToken": self.session.token})

    def head(self, upload_id):
        return self.session.client.head(f"/api/uploads/{upload_id}")

    def send(self, data, content_type="image/jpeg", chunk=4096):
        created = self.create(data, content_type)
        if created.status_code != 201:
            return created
        upload_id, offset = created.json["upload_id"], created.json["offset"]
        response = created
        while offset < len(data):
            response = self.patch(upload_id, offset, data[offset:offset + chunk])
            if response.status_code != 204:
                return response
            offset = int(response.headers["Upload-Offset"])
        return response


def test_upload_in_chunks_resume_after_a_break_and_the_same_hash_twice_is_a_no_op(login, db):
    up = Uploader(login("techa"))
    data = jpeg()
    created = up.create(data)
    assert created.status_code == 201 and created.json["offset"] == 0
    upload_id = created.json["upload_id"]
    assert up.patch(upload_id, 0, data[:5000]).status_code == 204
    # the phone lost its connection; it asks how far the server got
    assert up.head(upload_id).headers["Upload-Offset"] == "5000"
    assert up.create(data).json == {"upload_id": upload_id, "offset": 5000}  # asking again resumes the same upload
    wrong = up.patch(upload_id, 1000, data[1000:2000])
    assert wrong.status_code == 409 and wrong.headers["Upload-Offset"] == "5000"
    done = up.patch(upload_id, 5000, data[5000:])
    assert done.status_code == 204 and done.headers["Upload-Offset"] == str(len(data))
    again = up.create(data)
    assert again.status_code == 200 and again.json == {"complete": True}
    assert db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 1


def test_photos_are_reencoded_without_exif_and_turned_upright(app, login, db):
    tech = login("techa")
    data = jpeg((400, 200), exif_gps=True)
    assert Uploader(tech).send(data).status_code == 204
    sha = hashlib.sha256(data).hexdigest()
    stored = tech.get(f"/api/blobs/{sha}")
    assert stored.status_code == 200 and stored.mimetype == "image/jpeg"
    body = stored.data
    stored.close()
    image = Image.open(io.BytesIO(body))
    assert image.size == (200, 400)  # the orientation tag was applied
    assert not image.getexif() and b"GPS" not in body and b"PhoneMaker" not in body


def test_a_photo_is_attached_only_after_its_bytes_arrived_and_only_its_people_see_it(login, order_id, db):  # noqa: F811
    tech = login("techa")
    phone = Phone(tech)
    data = jpeg(colour=(10, 200, 10))
    sha = hashlib.sha256(data).hexdigest()
    early = phone.push([phone.mutation("order.attach_photo", {"order_id": order_id, "photo_id": str(uuid.uuid4()), "sha256": sha})])
    assert early.json["results"][0]["status"] == "rejected"
    Uploader(tech).send(data)
    photo_id = str(uuid.uuid4())
    later = phone.push([phone.mutation("order.attach_photo", {"order_id": order_id, "photo_id": photo_id, "sha256": sha,
                                                              "caption": "分光器端口"})])
    assert later.json["results"][0]["status"] == "applied"
    assert db.execute("SELECT caption FROM attachments WHERE id = ?", [photo_id]).fetchone()[0] == "分光器端口"
    seen = login("disp").get(f"/api/blobs/{sha}")
    seen.close()
    assert seen.status_code == 200
    assert login("techb").get(f"/api/blobs/{sha}").status_code == 404


def test_a_change_naming_a_refused_upload_is_refused_with_the_uploads_reason(login, order_id, db):  # noqa: F811
    """Review r15: a text file named .heic was refused as an upload; the change naming it said only that the photo
    never reached the server. It now says why the upload was refused, and another technician's change learns nothing."""
    tech = login("techa")
    text = "这不是照片，是一段文字。\n".encode() * 40
    sha = hashlib.sha256(text).hexdigest()
    assert Uploader(tech).send(text, "image/heic").status_code == 422
    phone = Phone(tech)
    result = phone.push([phone.mutation("order.attach_photo", {"order_id": order_id, "photo_id": str(uuid.uuid4()),
                                                               "sha256": sha})]).json["results"][0]
    assert result["status"] == "rejected"
    assert result["error"] == Uploader(tech).send(text, "image/heic").json["error"]
    other = Phone(login("techb"))
    theirs = other.push([other.mutation("order.attach_photo", {"order_id": order_id, "photo_id": str(uuid.uuid4()),
                                                               "sha256": sha})]).json["results"][0]
    assert theirs["status"] == "rejected" and theirs["error"] != result["error"]
    assert db.execute("SELECT COUNT(*) FROM attachments").fetchone()[0] == 0


def test_photos_sent_in_one_push_come_back_in_the_order_they_were_taken(login, order_id, db):  # noqa: F811
    """Review r16: seven photos taken offline, sent in one push, came back in their random ids' order (all were
    received at the same instant)."""
    tech = login("techa")
    phone = Phone(tech)
    shas = []
    for k in range(6):
        data = jpeg(colour=(40 * k, 200 - 30 * k, 90))
        Uploader(tech).send(data)
        shas.append(hashlib.sha256(data).hexdigest())
    ids = sorted((str(uuid.uuid4()) for _ in shas), reverse=True)  # each id sorts before the one taken earlier
    results = phone.push([phone.mutation("order.attach_photo", {"order_id": order_id, "photo_id": photo_id, "sha256": sha,
                                                                "caption": f"第{k + 1}张"})
                          for k, (photo_id, sha) in enumerate(zip(ids, shas))]).json["results"]
    assert all(r["status"] == "applied" for r in results), results
    order = next(c["data"] for c in phone.pull(cursor=None)["changes"] if c["table"] == "orders" and c["id"] == order_id)
    assert [a["caption"] for a in order["attachments"]] == [f"第{k + 1}张" for k in range(6)]
    page = login("disp").get(f"/orders/{order_id}")
    assert [page.text.index(f"第{k + 1}张") for k in range(6)] == sorted(page.text.index(f"第{k + 1}张") for k in range(6))


def bomb():
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")  # 400 megapixels, a few kilobytes
    return out.getvalue()


@pytest.mark.parametrize("name, data, content_type, status", [
    ("not an image", b"MZ\x90\x00 this is a program, not a photo" * 50, "image/jpeg", 422),
    ("truncated", jpeg()[:3000], "image/jpeg", 422),
    ("raw pixels claiming jpeg", Image.new("RGB", (10, 10)).tobytes(), "image/jpeg", 422),
    ("decompression bomb", bomb(), "image/png", 422),
    ("wrong type", b"%PDF-1.4", "application/pdf", 415),
])
def test_hostile_files_get_a_clear_error_and_store_nothing(login, db, name, data, content_type, status):
    response = Uploader(login("techa")).send(data, content_type)
    assert response.status_code == status, (name, response.status_code)
    assert response.json["error"]
    assert db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 0


def test_a_damaged_transfer_is_refused_and_can_start_again(login, db):
    up = Uploader(login("techa"))
    data = jpeg()
    created = up.create(data)
    broken = bytearray(data)
    broken[500] ^= 0xFF
    response = up.patch(created.json["upload_id"], 0, bytes(broken))
    assert response.status_code == 422 and response.json["error"]
    assert up.send(data).status_code == 204  # a fresh upload of the right bytes succeeds


def test_an_upload_whose_type_is_no_string_is_refused_with_a_sentence(login):
    """Review r16: a list or an object as content_type was a 500 (unhashable type)."""
    tech = login("techa")
    for content_type in (["image/jpeg"], {"a": 1}, 7, None):
        response = tech.client.post("/api/uploads", json={"sha256": "a" * 64, "size": 10, "content_type": content_type},
                                    headers={"X-CSRFToken": tech.token})
        assert response.status_code == 415 and response.json["error"], (content_type, response.status_code)


@pytest.mark.parametrize("body", [None, {"sha256": "x", "size": 1, "content_type": "image/jpeg"},
                                  {"sha256": "a" * 64, "size": -1, "content_type": "image/jpeg"},
                                  {"sha256": "a" * 64, "size": 10 ** 9, "content_type": "image/jpeg"}])
def test_bad_upload_requests(login, body):
    tech = login("techa")
    response = tech.client.post("/api/uploads", json=body, headers={"X-CSRFToken": tech.token})
    assert response.status_code in (400, 413) and response.json["error"]


def test_chunks_past_the_end_and_other_peoples_uploads_are_refused(login):
    a, b = Uploader(login("techa")), Uploader(login("techb"))
    data = jpeg()
    upload_id = a.create(data).json["upload_id"]
    assert a.patch(upload_id, 0, data + b"extra").status_code == 400
    assert b.head(upload_id).status_code == 404
    assert b.patch(upload_id, 0, data[:10]).status_code == 404
    assert a.session.client.patch(f"/api/uploads/{upload_id}", data=data[:10], headers={"Upload-Offset": "0"}).status_code == 400  # no CSRF token


def test_an_open_upload_is_taken_up_again_only_as_the_type_it_was_declared(login, db):
    """Review r18: a JPEG's bytes declared once as text/plain and left open were taken up again when declared as
    image/jpeg, checked as text, and refused as "not readable text"."""
    up = Uploader(login("techa"))
    data = jpeg()
    first = up.create(data, "text/plain")
    assert first.status_code == 201
    second = up.create(data, "image/jpeg")
    assert second.status_code == 201 and second.json["upload_id"] != first.json["upload_id"]
    assert up.send(data).status_code == 204
    assert db.execute("SELECT content_type FROM blobs").fetchone()[0] == "image/jpeg"


def test_a_refused_capture_keeps_its_reason_not_the_first_askers_sentence(login, db):
    """Review r18: a capture's refusal was stored as the sentence in the first asker's language (photos' since r7)."""
    up = Uploader(login("techa"))
    data = b"\xff\xfe\x00\x00" + bytes(range(256)) * 4  # no UTF-8, no GBK
    refused = up.send(data, "text/plain")
    assert refused.status_code == 422 and refused.json["error"]
    assert db.execute("SELECT error FROM uploads").fetchone()[0] == "reason:capture_text"
    again = up.create(data, "text/plain")  # the same bytes declared the same way: the reason at once, worded again
    assert again.status_code == 422 and again.json["error"] == refused.json["error"]
