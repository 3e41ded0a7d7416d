"""Review r9: an upload refused for its declared type is remembered by its bytes' hash, so the same photo sent again
with the right type is still refused, with a reason ("文件的实际格式与声明的不符") that is no longer true."""
import io

from PIL import Image

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
