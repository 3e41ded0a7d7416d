"""Resumable, content-addressed uploads of photos and signatures (the tus core protocol's offsets).

A phone creates an upload for a SHA-256 it holds, asks for the offset, and sends the rest in
chunks. Bytes are appended to a partial file as they arrive, so a connection that drops in
the middle of a chunk loses nothing already received. The finished file must match its hash
and be a readable image; it is then re-encoded by Pillow (no EXIF, orientation applied) and
stored under its hash. The same hash uploaded twice is a no-op.
"""
import hashlib
import logging
import os
import pathlib
import secrets

from flask_babel import gettext as _

from .. import images
from ..db import one, transaction
from ..timeutil import to_text

MAX_FILE_BYTES = images.MAX_BYTES
MAX_PIXELS = images.MAX_PIXELS
CONTENT_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/heic": "HEIF",
                 "image/heif": "HEIF", "image/avif": "AVIF"}
LOG = logging.getLogger(__name__)
READ_PIECE = 64 * 1024


class UploadError(Exception):
    """Refused upload; `status` is the HTTP status, the message is for the technician."""

    def __init__(self, message, status=422):
        super().__init__(message)
        self.status = status


def blob_dir(folder):
    path = pathlib.Path(folder)
    (path / "partial").mkdir(parents=True, exist_ok=True)
    return path


def create(db, user, body, now, root):
    """Start (or find) an upload; return (status, json)."""
    if not isinstance(body, dict):
        raise UploadError(_("The body must be a JSON object."), 400)
    sha, size, content_type = body.get("sha256"), body.get("size"), body.get("content_type")
    if not isinstance(sha, str) or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise UploadError(_("sha256 must be 64 lowercase hex digits."), 400)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise UploadError(_("size must be the file's size in bytes."), 400)
    if size > MAX_FILE_BYTES:
        raise UploadError(_("The photo is too large (%(mb)d MB at most).", mb=MAX_FILE_BYTES // 1024 // 1024), 413)
    if content_type not in CONTENT_TYPES:
        raise UploadError(_("Only photos can be uploaded (JPEG, PNG, WebP, HEIC or AVIF)."), 415)
    with transaction(db):
        if one(db, "SELECT 1 AS yes FROM blobs WHERE sha256 = ?", [sha]):
            return 200, {"complete": True}
        row = one(db, "SELECT * FROM uploads WHERE sha256 = ? AND user_id = ? AND size = ? AND error IS NULL",
                  [sha, user.id, size])
        if row:
            return 201, {"upload_id": row["id"], "offset": row["received"]}
        failed = one(db, "SELECT error FROM uploads WHERE sha256 = ? AND user_id = ? AND error IS NOT NULL",
                     [sha, user.id])
        if failed:  # the same bytes failed before: say why at once instead of sending them again
            raise UploadError(failed["error"])
        upload_id = secrets.token_urlsafe(18)
        db.conn.execute("INSERT INTO uploads (id, sha256, size, content_type, received, user_id, created_at)"
                        " VALUES (?, ?, ?, ?, 0, ?, ?)", [upload_id, sha, size, content_type, user.id, to_text(now)])
    (root / "partial" / upload_id).touch()
    return 201, {"upload_id": upload_id, "offset": 0}


def find(db, user, upload_id):
    row = one(db, "SELECT * FROM uploads WHERE id = ? AND user_id = ?", [upload_id, user.id])
    if row is None:
        raise UploadError(_("No such upload."), 404)
    return row


def offset(db, user, upload_id):
    return find(db, user, upload_id)["received"]


def append(db, user, upload_id, claimed_offset, stream, length, root, now):
    """Append a chunk at `claimed_offset`; return the new offset.

    What arrives is written and counted piece by piece: if the connection drops half-way,
    the bytes already here stay, and the next HEAD tells the phone where to go on from.
    """
    row = find(db, user, upload_id)
    if row["error"]:
        raise UploadError(row["error"])
    if claimed_offset != row["received"]:
        raise UploadError(_("Upload-Offset does not match what the server holds (%(n)d).", n=row["received"]), 409)
    if length is None or row["received"] + length > row["size"]:
        raise UploadError(_("The chunk runs past the end of the file."), 400)
    path = root / "partial" / upload_id
    received = row["received"]
    with open(path, "r+b") as out:
        out.seek(received)
        out.truncate()
        remaining = length
        try:
            while remaining:
                piece = stream.read(min(READ_PIECE, remaining))
                if not piece:
                    break
                out.write(piece)
                remaining -= len(piece)
                received += len(piece)
        finally:
            out.flush()
            os.fsync(out.fileno())
            db.conn.execute("UPDATE uploads SET received = ? WHERE id = ?", [received, upload_id])
    if received == row["size"]:
        _finish(db, user, row, path, root, now)
    return received


def _finish(db, user, row, path, root, now):
    """Check the hash and the image, re-encode it, store it under its hash."""
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        # A damaged transfer is worth retrying from the start: forget this upload.
        _fail(db, row, path, _("The photo arrived damaged (its checksum does not match); it will be sent again."), retry=True)
    try:
        encoded, content_type, width, height = reencode(data, CONTENT_TYPES[row["content_type"]])
    except UploadError as exc:
        _fail(db, row, path, str(exc))
    except Exception:  # noqa: BLE001 - whatever went wrong, the upload is marked failed with a reason, never left half-done
        LOG.exception("upload %s (%s) could not be re-encoded", row["id"], row["sha256"])
        _fail(db, row, path, _("The server could not convert this photo; take it again or send it as JPEG."))
    name = f"{row['sha256']}.{'png' if content_type == 'image/png' else 'jpg'}"
    (root / name).write_bytes(encoded)
    with transaction(db):
        db.conn.execute("INSERT OR IGNORE INTO blobs (sha256, content_type, size, width, height, path, uploaded_by,"
                        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [row["sha256"], content_type, len(encoded), width, height, name, user.id, to_text(now)])
        db.conn.execute("DELETE FROM uploads WHERE sha256 = ?", [row["sha256"]])
    path.unlink(missing_ok=True)


def _fail(db, row, path, message, retry=False):
    if retry:
        db.conn.execute("DELETE FROM uploads WHERE id = ?", [row["id"]])
    else:
        db.conn.execute("UPDATE uploads SET error = ? WHERE id = ?", [message, row["id"]])
    path.unlink(missing_ok=True)
    raise UploadError(message)


def store_bytes(db, data, content_type, user_id, root, now):
    """Store a whole image received in one piece (a signature drawn on the customer's phone); return its SHA-256."""
    if content_type not in CONTENT_TYPES:
        raise UploadError(_("Only photos can be uploaded (JPEG, PNG, WebP, HEIC or AVIF)."), 415)
    if len(data) > MAX_FILE_BYTES:
        raise UploadError(_("The photo is too large (%(mb)d MB at most).", mb=MAX_FILE_BYTES // 1024 // 1024), 413)
    sha = hashlib.sha256(data).hexdigest()
    if one(db, "SELECT 1 AS yes FROM blobs WHERE sha256 = ?", [sha]):
        return sha
    encoded, stored_type, width, height = reencode(data, CONTENT_TYPES[content_type])
    name = f"{sha}.{'png' if stored_type == 'image/png' else 'jpg'}"
    (root / name).write_bytes(encoded)
    db.conn.execute("INSERT OR IGNORE INTO blobs (sha256, content_type, size, width, height, path, uploaded_by, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [sha, stored_type, len(encoded), width, height, name, user_id, to_text(now)])
    return sha


def reencode(data, expected_format):
    """Open an image safely and write it again without metadata; return (bytes, type, width, height).

    PNG stays PNG (signatures keep their transparency); every other format becomes JPEG.
    Raises UploadError with a sentence for the technician (webapp/images.py says what is read).
    """
    try:
        return images.reencode(data, {expected_format}, as_png=expected_format == "PNG")
    except images.ImageProblem as problem:
        raise UploadError({
            "format": _("The file is not the kind of image it claims to be."),
            "pixels": _("The photo has too many pixels (%(mp)d megapixels at most).", mp=MAX_PIXELS // 1_000_000),
            "bomb": _("The photo has too many pixels (%(mp)d megapixels at most).", mp=MAX_PIXELS // 1_000_000),
            "too_big": _("The photo is too large (%(mb)d MB at most).", mb=MAX_FILE_BYTES // 1024 // 1024),
            "damaged": _("The photo is damaged or incomplete; take it again."),
            "convert": _("The server could not convert this photo; take it again or send it as JPEG."),
        }.get(problem.code, _("This file is not a photo we can read."))) from None
