"""Opening untrusted image bytes: the limits and checks every upload and the LED reader share.

Too many bytes or pixels, a decompression bomb, the wrong format, a file that is not an
image or is cut short: each is an `ImageProblem` with a code; callers word it for their people.
"""
import io
import warnings

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: every phone camera; far below a decompression bomb
FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


class ImageProblem(ValueError):
    """Why bytes cannot be used as an image: empty, too_big, format, pixels, bomb, unreadable, damaged."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def open_checked(data, formats=FORMATS, before_load=None):
    """Open and decode `data` as one of `formats`; `before_load(image)` may ask for a smaller decode."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ImageProblem("empty")
    if len(data) > MAX_BYTES:
        raise ImageProblem("too_big")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in formats:
                raise ImageProblem("format")
            if image.width * image.height > MAX_PIXELS:
                raise ImageProblem("pixels")
            if before_load:
                before_load(image)
            image.load()
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("bomb") from None
    except UnidentifiedImageError:
        raise ImageProblem("unreadable") from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise ImageProblem("damaged") from None
    return image
