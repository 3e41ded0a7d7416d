"""Issue 15 item 14: a scan file up to the parser's 8 MB limit is read, not refused by a form limit;
a picture chosen as a scan is called "not a scan", not "too large"."""
import io
import pathlib

from PIL import Image

SHARED = pathlib.Path(__file__).resolve().parent.parent.parent / "shared"
IW_SAMPLE = SHARED / "wifi-samples" / "iw-scan__abandonware_wireless-tools.txt"


def upload(phone, data, name):
    response = phone.client.post("/api/wifi/analyze", data={"scan": (io.BytesIO(data), name)},
                                 headers={"X-CSRFToken": phone.token}, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()  # the test client spools a large body to a file it leaves open
    return response


def test_a_scan_file_just_under_8_mb_is_read(login):
    sample = IW_SAMPLE.read_text(encoding="utf-8")
    data = (sample * (7_900_000 // len(sample))).encode()  # a very busy building, the same access points heard again
    assert 7_500_000 < len(data) < 8 * 1024 * 1024
    response = upload(login("techa"), data, "iw-scan.txt")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.json["format"] == "iw" and response.json["networks"]


def test_a_photo_chosen_as_a_scan_is_called_not_a_scan(login):
    photo = io.BytesIO()
    Image.effect_noise((2400, 1800), 80).convert("RGB").save(photo, "JPEG", quality=95)
    assert photo.tell() > 2 * 1024 * 1024  # bigger than the ordinary request limit, as a phone photo is
    response = upload(login("techa"), photo.getvalue(), "IMG_0001.jpg")
    assert response.status_code == 422 and response.json["code"] == "not_a_scan"
    assert "JPEG" in response.json["error"] and "Wi-Fi" in response.json["error"]
    assert "太大" not in response.json["error"] and "too large" not in response.json["error"].lower()


def test_over_8_mb_is_refused_with_a_message_not_a_crash(login):
    response = upload(login("techa"), b"BSS 00:11:22:33:44:55\n" * 400_000, "huge.txt")
    assert response.status_code in (413, 422) and response.json["error"]
