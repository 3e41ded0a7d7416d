"""A signature without ink is no signature: the server refuses it whichever way it arrives (the
technician's phone through sync, the customer's phone through the link).

Defence in depth behind offline/signature.js: a pad whose bitmap did not follow a turn of the
phone recorded points but drew nothing, and a white PNG was stored as the signature
(shared/public-cases/signature-after-rotation-blank).
"""
import pathlib

from flask import current_app

from .. import images
from ..db import one


def stored_signature_has_ink(db, sha256):
    """True when the stored blob `sha256` shows ink; False when blank, unreadable or missing."""
    row = one(db, "SELECT path FROM blobs WHERE sha256 = ?", [sha256])
    if row is None:
        return False
    path = pathlib.Path(current_app.config["BLOB_FOLDER"]) / row["path"]
    try:
        return images.has_ink(path.read_bytes())
    except (OSError, images.ImageProblem):
        return False
