"""A picture too small to show anything (a 1×1 PNG, a 16×16 thumbnail) was taken as a job photo and as an LED check's
photo. The push now refuses it with words a technician understands (webapp/images.py MIN_PHOTO_SIDE), and keeps the
rest of the push; a small photo from a real camera (640×480) is taken as before."""
import hashlib
import io
import uuid

import pytest
from PIL import Image

from tests.conftest import Phone
from tests.test_sync import order_id  # noqa: F401  (fixture)
from tests.test_uploads import Uploader

TOO_SMALL = "照片太小"


def picture(size, fmt):
    """A picture of `size` pixels in `fmt` ("PNG" or "JPEG"), with some detail so no two sizes share bytes."""
    out = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, fmt)
    return out.getvalue()


def uploaded(session, data, content_type):
    assert Uploader(session).send(data, content_type).status_code == 204  # the upload itself is taken: it is an image
    return hashlib.sha256(data).hexdigest()


def test_a_thumbnail_is_refused_as_a_job_photo_and_the_rest_of_the_push_is_kept(login, order_id, db):  # noqa: F811
    tech = login("techa")
    phone = Phone(tech)
    small = [(size, fmt) for size in ((1, 1), (16, 16)) for fmt in ("PNG", "JPEG")]
    shas = [uploaded(tech, picture(size, fmt), f"image/{fmt.lower()}") for size, fmt in small]
    camera = uploaded(tech, picture((640, 480), "JPEG"), "image/jpeg")
    attach = [phone.mutation("order.attach_photo", {"order_id": order_id, "photo_id": str(uuid.uuid4()), "sha256": sha,
                                                    "caption": f"{size[0]}×{size[1]} {fmt}"})
              for sha, (size, fmt) in zip(shas, small)]
    note = phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "到达，光猫 LOS 红灯"})
    kept = phone.mutation("order.attach_photo", {"order_id": order_id, "photo_id": str(uuid.uuid4()), "sha256": camera,
                                                 "caption": "分光箱"})
    # A signature attached as such is judged by its ink (webapp/images.py has_ink), not held to the photo minimum.
    signature = phone.mutation("order.attach_photo", {"order_id": order_id, "photo_id": str(uuid.uuid4()), "kind": "signature",
                                                      "sha256": uploaded(tech, picture((80, 40), "PNG"), "image/png")})
    response = phone.push([attach[0], attach[1], note, attach[2], attach[3], kept, signature])
    assert response.status_code == 200, response.text
    results = {r["seq"]: r for r in response.json["results"]}
    for mutation, (size, _fmt) in zip(attach, small):
        refused = results[mutation["seq"]]
        assert refused["status"] == "rejected", refused
        assert TOO_SMALL in refused["error"] and f"{size[0]} × {size[1]} 像素" in refused["error"], refused["error"]
    assert all(results[m["seq"]]["status"] == "applied" for m in (note, kept, signature)), results
    assert sorted(tuple(r) for r in db.execute("SELECT kind, caption FROM attachments WHERE order_id = ?", [order_id])) == [
        ("photo", "分光箱"), ("signature", "")]
    assert db.execute("SELECT COUNT(*) FROM order_notes WHERE order_id = ?", [order_id]).fetchone()[0] == 1


def test_the_refusal_is_worded_in_the_technician_s_language(login, order_id):  # noqa: F811
    tech = login("techa")
    phone = Phone(tech)
    sha = uploaded(tech, picture((8, 8), "PNG"), "image/png")
    result = phone.push([phone.mutation("order.attach_photo", {"order_id": order_id, "photo_id": str(uuid.uuid4()),
                                                               "sha256": sha})],
                        headers={"Accept-Language": "en"}).json["results"][0]
    assert result["status"] == "rejected"
    assert result["error"].startswith("The photo is too small to show anything (8 × 8 pixels)"), result["error"]


def test_a_thumbnail_is_refused_as_an_led_check_s_photo(login, order_id, db):  # noqa: F811
    tech = login("techa")
    phone = Phone(tech)

    def led_check(sha):
        return phone.mutation("order.led_check", {"order_id": order_id, "check_id": str(uuid.uuid4()),
                                                  "model_id": "huawei-hg8245h", "capture": "photo", "sha256": sha,
                                                  "frames": 1})
    thumbnail, camera = (uploaded(tech, picture(size, "JPEG"), "image/jpeg") for size in ((16, 16), (640, 480)))
    results = phone.push([led_check(thumbnail), led_check(camera)]).json["results"]
    assert results[0]["status"] == "rejected" and TOO_SMALL in results[0]["error"], results[0]
    assert results[1]["status"] == "applied", results[1]
    assert [r[0] for r in db.execute("SELECT sha256 FROM led_checks WHERE order_id = ?", [order_id])] == [camera]


def test_the_phone_learns_the_minimum_from_the_reference_data(login):
    """offline/photos.js refuses a thumbnail before queuing it by the server's own number, not a copy of it."""
    from webapp import images
    phone = Phone(login("techa"))
    photos = next(c["data"] for c in phone.pull(cursor=None)["changes"] if c["table"] == "reference" and c["id"] == "photos")
    assert photos["min_side"] == images.MIN_PHOTO_SIDE and photos["max_aspect"] == images.MAX_ASPECT


def test_the_phone_s_own_aspect_until_it_has_pulled_the_server_s_is_the_server_s():
    """offline/photos.js keeps the server's MAX_ASPECT for a phone that has not pulled the reference data yet."""
    import pathlib
    import re
    from webapp import images
    text = (pathlib.Path(__file__).resolve().parents[1] / "offline" / "photos.js").read_text("utf-8")
    assert re.findall(r"^const MAX_ASPECT = (\d+);$", text, re.M) == [str(images.MAX_ASPECT)]


def test_a_thin_strip_pushed_directly_is_called_a_strip(login, order_id, db):  # noqa: F811
    """Review r60: a 1×100000 PNG pushed by a client other than the app was called a thumbnail; the phone says strip."""
    tech = login("techa")
    phone = Phone(tech)
    strips = [uploaded(tech, picture(size, "PNG"), "image/png") for size in ((1, 100000), (3000, 120), (2048, 100))]
    # 20:1, a light row cropped close; and such a picture shrunk by the phone to 2048 pixels (review r62: 4000×200
    # became 2048×102 and was refused as a strip)
    within = [uploaded(tech, picture(size, "PNG"), "image/png") for size in ((2000, 100), (2048, 102))]
    results = phone.push([phone.mutation("order.attach_photo", {"order_id": order_id, "photo_id": str(uuid.uuid4()),
                                                                "sha256": sha}) for sha in strips + within]).json["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3 + ["applied"] * 2, results
    assert all(r["error"] == "这张图片是一条细长条，不是设备面板的照片：请拍照，或另选一张。" for r in results[:3]), results


def test_a_burst_with_fewer_rows_than_frames_says_so(login, order_id, db):  # noqa: F811
    """Review r60: a burst of 10 frames in a 200×5 picture was refused as "200 × 0 pixels"."""
    tech = login("techa")
    phone = Phone(tech)
    sha = uploaded(tech, picture((200, 5), "PNG"), "image/png")
    result = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": str(uuid.uuid4()),
                                                            "model_id": "huawei-hg8245h", "capture": "burst", "sha256": sha,
                                                            "frames": 10})]).json["results"][0]
    assert result["status"] == "rejected" and "5" in result["error"] and "10" in result["error"], result
    assert "× 0" not in result["error"] and "连拍" in result["error"], result["error"]


@pytest.mark.parametrize("size", [(640, 10), (40, 3000)], ids=["one-row-frames", "frames-40-wide"])
def test_a_burst_whose_frames_show_nothing_says_so_of_its_frames(login, order_id, db, size):  # noqa: F811
    """Review r62: a 640×10 burst of 10 frames (one row each) was told "a thin strip: take a photo, or choose another"."""
    tech = login("techa")
    phone = Phone(tech)
    sha = uploaded(tech, picture(size, "PNG"), "image/png")
    result = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": str(uuid.uuid4()),
                                                            "model_id": "huawei-hg8245h", "capture": "burst", "sha256": sha,
                                                            "frames": 10})]).json["results"][0]
    frame = f"{size[0]} × {size[1] // 10} 像素"
    assert result["status"] == "rejected" and "连拍" in result["error"] and frame in result["error"], result
    assert "细长条" not in result["error"] and "缩略图" not in result["error"], result["error"]
