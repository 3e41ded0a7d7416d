"""Resumable, content-addressed uploads of photos and signatures (the tus core protocol's offsets).

A phone creates an upload for a SHA-256 it holds, asks for the offset, and sends the rest in
chunks. Bytes are appended to a partial file as they arrive, so a connection that drops in
the middle of a chunk loses nothing already received. The finished file must match its hash
and be a readable image; it is then re-encoded by Pillow (no EXIF, orientation applied) and
stored under its hash. The same hash uploaded twice by one person is a no-op.

Hostile and unlucky phones (issue 13): "already complete" is answered only for a blob the
asker uploaded themselves, so nobody learns what others have uploaded (another person's photo
is uploaded again, byte for byte, and then belongs to both). Chunks of one upload are
appended one at a time (an exclusive lock on its partial file, across threads and processes).
Each person may hold a limited number of unfinished uploads and bytes; unfinished uploads
expire (`expire_stale`, the `flask uploads expire` command). At most DECODE_SLOTS images are
decoded at once in a process, since a 40-megapixel photo takes some 300 MB while decoded.
"""
import contextlib
import datetime
import fcntl
import hashlib
import logging
import os
import pathlib
import secrets
import threading

from flask_babel import gettext as _

from .. import images
from ..db import one, transaction
from ..measurements import captures
from ..timeutil import to_text

MAX_FILE_BYTES = images.MAX_BYTES
MAX_PIXELS = images.MAX_PIXELS
CONTENT_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/heic": "HEIF",
                 "image/heif": "HEIF", "image/avif": "AVIF"}
# A HEIC/HEIF or AVIF photo the phone's browser cannot decode is sent as it is (offline/photos.js): the server
# downscales it as the phone does every other photo (MAX_PHOTO_EDGE there, README "Photos"; review r15: a 4032×3024
# HEIC was kept at full size). Other uploads are kept at their size: a burst's frames are stacked in one tall image.
UNSHRUNK_TYPES = ("image/heic", "image/heif", "image/avif")
PHONE_PHOTO_BOX = (2048, 2048)
LOG = logging.getLogger(__name__)
READ_PIECE = 64 * 1024
DECODE_SLOTS = 2
_decoding = threading.BoundedSemaphore(DECODE_SLOTS)


class UploadError(Exception):
    """Refused upload; `status` is the HTTP status, the message is for the technician.

    `code` tells the phone what to do without reading the words: "damaged" (send it again from
    the start), "busy" (too many unfinished uploads: try later), "refused" (never send it again).
    """

    def __init__(self, message, status=422, code="refused", reason=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.reason = reason  # a key of REFUSALS: what a failed upload keeps, worded again for whoever asks next


@contextlib.contextmanager
def decode_slot():
    """Hold one of the process's few image-decoding slots (memory stays bounded under load)."""
    with _decoding:
        yield


def owns(db, user_id, sha):
    """Say whether this person uploaded the blob `sha` themselves."""
    return one(db, "SELECT 1 AS yes FROM blob_owners WHERE sha256 = ? AND user_id = ?", [sha, user_id]) is not None


def may_use(db, user, sha):
    """Say whether `user` may name blob `sha` in a change or fetch it.

    Their own upload, or a photo, LED photo or signature on an order they may see now (all
    orders for the desk, their assigned ones for a technician). Existence is never the test.
    """
    if owns(db, user.id, sha):
        return True
    visible = "1" if user.is_dispatcher else "o.technician_id = :user"
    return one(db, f"""SELECT 1 AS yes FROM orders o WHERE ({visible}) AND o.id IN (
                SELECT order_id FROM attachments WHERE sha256 = :sha
                UNION SELECT order_id FROM led_checks WHERE sha256 = :sha OR thumb_sha256 = :sha
                UNION SELECT order_id FROM signoffs WHERE signature_sha256 = :sha OR tester_signature_sha256 = :sha
                UNION SELECT order_id FROM run_captures WHERE sha256 = :sha)
                LIMIT 1""", {"sha": sha, "user": user.id}) is not None


def refused_upload(db, user_id, sha):
    """Why the server refused `user_id`'s own upload of `sha` (the REFUSALS sentence, in the asker's language), or None
    when none of theirs was refused. A change naming that photo is then refused with this reason, not with "never
    arrived" (review r15: a text file named .heic was refused as an upload, and the change only said it never came)."""
    row = one(db, "SELECT error FROM uploads WHERE sha256 = ? AND user_id = ? AND error IS NOT NULL"
                  " ORDER BY created_at DESC LIMIT 1", [sha, user_id])
    return refusal(row["error"]) if row else None


def _record_owner(db, sha, user_id):
    if user_id is not None:
        db.conn.execute("INSERT OR IGNORE INTO blob_owners (sha256, user_id) VALUES (?, ?)", [sha, user_id])


def blob_dir(folder):
    path = pathlib.Path(folder)
    (path / "partial").mkdir(parents=True, exist_ok=True)
    return path


def _announced_pixels(body):
    """width × height the phone announced with an upload (optional whole numbers), 0 when it gave none."""
    width, height = body.get("width"), body.get("height")
    if any(isinstance(n, bool) or not isinstance(n, int) or not 0 < n <= 1_000_000 for n in (width, height)):
        return 0
    return width * height


def create(db, user, body, now, root, max_open=20, max_open_bytes=100 * 1024 * 1024):
    """Start (or find) an upload; return (status, json).

    body: {sha256, size, content_type, width?, height?} (the image's pixels, when the phone knows them: a file
    over MAX_FILE_BYTES from a camera's high-resolution mode is told to use the 12-MP mode). 200 {complete: true}
    only when this person already uploaded this hash; otherwise 201 {upload_id, offset}. 429 (code "busy") when
    the person already holds `max_open` unfinished uploads or `max_open_bytes` announced bytes.
    """
    if not isinstance(body, dict):
        raise UploadError(_("The body must be a JSON object."), 400)
    sha, size, content_type = body.get("sha256"), body.get("size"), body.get("content_type")
    if not isinstance(sha, str) or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise UploadError(_("sha256 must be 64 lowercase hex digits."), 400)
    if size == 0 and not isinstance(size, bool):  # a 0-byte file the phone could not decode and queued as it is
        raise UploadError(_("The photo file is empty (0 bytes); take it again."))
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise UploadError(_("size must be the file's size in bytes."), 400)
    if not isinstance(content_type, str):  # a list or an object is no type (review r16: a list was a 500)
        content_type = None
    if content_type in captures.CAPTURE_TYPES:  # a slow-speed run's capture (issue 21 item 6): kept as it is
        if size > captures.MAX_CAPTURE_BYTES:
            raise UploadError(_("The capture is too large (%(mb)d MB at most); capture a shorter time or send the part that "
                                "shows the slow page.", mb=captures.MAX_CAPTURE_BYTES // 1024 // 1024), 413)
    elif content_type not in CONTENT_TYPES:
        raise UploadError(_("Only photos and screenshots (JPEG, PNG, WebP, HEIC or AVIF), packet captures (pcap, pcapng) "
                            "or text files can be uploaded."), 415)
    elif size > MAX_FILE_BYTES:
        if _announced_pixels(body) > images.HIGH_RESOLUTION_PIXELS:  # a camera's high-resolution mode (review r7)
            raise UploadError(REFUSALS["pixels"](), 413)
        raise UploadError(REFUSALS["too_big"](), 413)
    with transaction(db):
        if owns(db, user.id, sha):
            return 200, {"complete": True}
        # An open upload is taken up again only as what it was declared: the same bytes declared another way are
        # another upload (review r18: a JPEG declared once as text/plain was checked as text, and refused as one).
        row = one(db, "SELECT * FROM uploads WHERE sha256 = ? AND user_id = ? AND size = ? AND content_type IS ?"
                      " AND error IS NULL", [sha, user.id, size, content_type])
        if row:
            return 201, {"upload_id": row["id"], "offset": row["received"]}
        # The same bytes declared the same way failed before: say why at once instead of sending them again. Declared
        # another way they are another upload: a PNG refused as image/jpeg is taken as image/png (review r9).
        failed = one(db, "SELECT error FROM uploads WHERE sha256 = ? AND user_id = ? AND content_type = ? AND error IS NOT NULL",
                     [sha, user.id, content_type])
        if failed:
            raise UploadError(refusal(failed["error"]))
        held = one(db, "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM uploads WHERE user_id = ? AND error IS NULL",
                   [user.id])
        if held["n"] >= max_open or held["bytes"] + size > max_open_bytes:
            raise UploadError(_("Too many photos are still half-sent from this account; the phone finishes those first."),
                              429, "busy")
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
    Chunks of one upload take turns (an exclusive lock on the partial file): a second
    chunk sent at the same offset finds the offset moved on and gets 409.
    """
    find(db, user, upload_id)
    path = root / "partial" / upload_id
    try:
        out = open(path, "r+b")
    except FileNotFoundError:
        raise UploadError(_("No such upload."), 404) from None
    with out:
        fcntl.flock(out.fileno(), fcntl.LOCK_EX)
        row = find(db, user, upload_id)  # read again under the lock: another chunk may have moved it on
        if row["error"]:
            raise UploadError(refusal(row["error"]))
        if claimed_offset != row["received"]:
            raise UploadError(_("Upload-Offset does not match what the server holds (%(n)d).", n=row["received"]), 409)
        if length is None or row["received"] + length > row["size"]:
            raise UploadError(_("The chunk runs past the end of the file."), 400)
        received = _write_chunk(db, out, upload_id, row["received"], stream, length)
        if received == row["size"]:
            _finish(db, user, row, path, root, now)
    return received


def _write_chunk(db, out, upload_id, received, stream, length):
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
        with transaction(db):
            db.conn.execute("UPDATE uploads SET received = ? WHERE id = ?", [received, upload_id])
    return received


def _finish(db, user, row, path, root, now):
    """Check the hash and the image, re-encode it, store it under its hash."""
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        # A damaged transfer is worth retrying from the start: forget this upload.
        _fail(db, row, path, _("The photo arrived damaged (its checksum does not match); it will be sent again."), retry=True)
    if row["content_type"] in captures.CAPTURE_TYPES:
        _finish_capture(db, user, row, path, root, now, data)
        return
    try:
        fit = PHONE_PHOTO_BOX if row["content_type"] in UNSHRUNK_TYPES else None
        encoded, content_type, width, height = reencode(data, CONTENT_TYPES[row["content_type"]], fit=fit)
    except UploadError as exc:
        _fail(db, row, path, str(exc), reason=exc.reason)
    except Exception:  # noqa: BLE001 - whatever went wrong, the upload is marked failed with a reason, never left half-done
        LOG.exception("upload %s (%s) could not be re-encoded", row["id"], row["sha256"])
        _fail(db, row, path, REFUSALS["convert"](), reason="convert")
    name = f"{row['sha256']}.{'png' if content_type == 'image/png' else 'jpg'}"
    _write_blob(root / name, encoded)
    with transaction(db):
        db.conn.execute("INSERT OR IGNORE INTO blobs (sha256, content_type, size, width, height, path, uploaded_by,"
                        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [row["sha256"], content_type, len(encoded), width, height, name, user.id, to_text(now)])
        _record_owner(db, row["sha256"], user.id)
        db.conn.execute("DELETE FROM uploads WHERE id = ?", [row["id"]])
    path.unlink(missing_ok=True)


REASON_PREFIX = "reason:"  # uploads.error: "reason:<key of REFUSALS>", or a sentence kept before review r7
# Why a stored photo upload was refused, worded when asked (the keys are webapp/images.py's ImageProblem codes, with
# "capture_<code>" for CAPTURE_PROBLEMS).
REFUSALS = {
    "format": lambda: _("The file is not the kind of image it claims to be."),
    "pixels": lambda: _("The photo has too many pixels: set the phone's camera to its 12-megapixel mode and take it"
                        " again."),
    "too_big": lambda: _("The photo is too large (%(mb)d MB at most).", mb=MAX_FILE_BYTES // 1024 // 1024),
    "damaged": lambda: _("The photo is damaged or incomplete; take it again."),
    "convert": lambda: _("The server could not convert this photo; take it again or send it as JPEG."),
    "unreadable": lambda: _("This file is not a photo we can read."),
}


def refusal(stored):
    """The sentence for a failed upload's stored error (REASON_PREFIX + a REFUSALS key, in the asker's language), or
    the stored sentence itself (kept before review r7)."""
    key = stored[len(REASON_PREFIX):] if stored.startswith(REASON_PREFIX) else None
    if key in REFUSALS:
        return REFUSALS[key]()
    if key and key.startswith("capture_") and key[len("capture_"):] in CAPTURE_PROBLEMS:
        return CAPTURE_PROBLEMS[key[len("capture_"):]]()
    return stored


def _worded(reason):
    """Whether refusal() words `reason` again when asked: a REFUSALS key or "capture_" + a CAPTURE_PROBLEMS key (review
    r18: a capture's refusal was kept as the first asker's sentence)."""
    return reason in REFUSALS or bool(reason) and reason.startswith("capture_") and reason[len("capture_"):] in CAPTURE_PROBLEMS


CAPTURE_PROBLEMS = {
    "empty": lambda: _("The capture file is empty (0 bytes); save it again."),
    "too_big": lambda: _("The capture is too large (%(mb)d MB at most); capture a shorter time or send the part that shows "
                         "the slow page.", mb=captures.MAX_CAPTURE_BYTES // 1024 // 1024),
    "format": lambda: _("The file is not the packet capture it claims to be (pcap or pcapng); save it again from the capture tool."),
    "text": lambda: _("The text file is not readable text (UTF-8 or GBK); export it again as text."),
}


def _finish_capture(db, user, row, path, root, now, data):
    """Store a checked capture byte for byte (a pcap or a text export; never decoded as an image)."""
    try:
        extension = captures.check_capture(data, row["content_type"])
    except captures.CaptureProblem as problem:
        _fail(db, row, path, CAPTURE_PROBLEMS[problem.code](), reason=f"capture_{problem.code}")
    name = f"{row['sha256']}.{extension}"
    _write_blob(root / name, data)
    with transaction(db):
        db.conn.execute("INSERT OR IGNORE INTO blobs (sha256, content_type, size, width, height, path, uploaded_by,"
                        " created_at) VALUES (?, ?, ?, 0, 0, ?, ?, ?)",
                        [row["sha256"], row["content_type"], len(data), name, user.id, to_text(now)])
        _record_owner(db, row["sha256"], user.id)
        db.conn.execute("DELETE FROM uploads WHERE id = ?", [row["id"]])
    path.unlink(missing_ok=True)


def is_image(db, sha):
    """Say whether a stored blob is an image (a photo, signature or screenshot), not a capture file."""
    row = one(db, "SELECT content_type FROM blobs WHERE sha256 = ?", [sha])
    return row is not None and row["content_type"].startswith("image/")


def _write_blob(path, data):
    """Write a stored file whole or not at all (another upload of the same bytes may be writing too)."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    partial.write_bytes(data)
    os.replace(partial, path)


def _fail(db, row, path, message, retry=False, reason=None):
    """Mark an upload failed and raise UploadError(message). What the upload keeps is the `reason` (a key of
    REFUSALS), worded again in the language of whoever asks next (review r7: the first asker's sentence was kept);
    a message with no reason is kept as it is."""
    with transaction(db):
        if retry:
            db.conn.execute("DELETE FROM uploads WHERE id = ?", [row["id"]])
        else:
            db.conn.execute("UPDATE uploads SET error = ? WHERE id = ?",
                            [REASON_PREFIX + reason if _worded(reason) else message, row["id"]])
    path.unlink(missing_ok=True)
    raise UploadError(message, 422, "damaged" if retry else "refused")


def expire_stale(db, root, now, max_age_hours=48, user_id=None):
    """Forget unfinished uploads (and their partial files) not touched for `max_age_hours`; return how many.

    A plain function for the job queue's schedule and the `flask uploads expire` command (every
    person's), and for a new upload (`user_id`: only that person's, found by the uploads_user
    index; the write lock is taken only when there is something to forget, so the many uploads
    of a busy city do not queue for it). The phone that still holds such a photo simply starts
    its upload again.
    """
    cutoff = to_text(now - datetime.timedelta(hours=max_age_hours))
    mine, params = ("user_id = ? AND ", [user_id]) if user_id is not None else ("", [])
    find = f"SELECT id FROM uploads WHERE {mine}created_at < ?"
    if not db.execute(find + " LIMIT 1", [*params, cutoff]).fetchone():
        return 0
    with transaction(db):
        stale = [r["id"] for r in db.query(find, [*params, cutoff])]
        db.conn.executemany("DELETE FROM uploads WHERE id = ?", [[upload_id] for upload_id in stale])
    for upload_id in stale:
        (pathlib.Path(root) / "partial" / upload_id).unlink(missing_ok=True)
    return len(stale)


def store_bytes(db, data, content_type, user_id, root, now):
    """Store a whole image received in one piece (a signature drawn on the customer's phone); return its SHA-256."""
    if content_type not in CONTENT_TYPES:
        raise UploadError(_("Only photos can be uploaded (JPEG, PNG, WebP, HEIC or AVIF)."), 415)
    if len(data) > MAX_FILE_BYTES:
        raise UploadError(_("The photo is too large (%(mb)d MB at most).", mb=MAX_FILE_BYTES // 1024 // 1024), 413)
    sha = hashlib.sha256(data).hexdigest()
    if one(db, "SELECT 1 AS yes FROM blobs WHERE sha256 = ?", [sha]):
        _record_owner(db, sha, user_id)
        return sha
    encoded, stored_type, width, height = reencode(data, CONTENT_TYPES[content_type])
    name = f"{sha}.{'png' if stored_type == 'image/png' else 'jpg'}"
    _write_blob(root / name, encoded)
    db.conn.execute("INSERT OR IGNORE INTO blobs (sha256, content_type, size, width, height, path, uploaded_by, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [sha, stored_type, len(encoded), width, height, name, user_id, to_text(now)])
    _record_owner(db, sha, user_id)
    return sha


def store_clean(db, encoded, content_type, width, height, user_id, root, now):
    """Store an image this server has just re-encoded (no metadata left); return its SHA-256.

    The file is written before the short transaction that records it, so no file I/O happens
    while the write lock is held (issue 14 item 2). Call it outside any transaction.
    """
    sha = hashlib.sha256(encoded).hexdigest()
    name = f"{sha}.{'png' if content_type == 'image/png' else 'jpg'}"
    if not (root / name).exists():
        _write_blob(root / name, encoded)
    with transaction(db):
        db.conn.execute("INSERT OR IGNORE INTO blobs (sha256, content_type, size, width, height, path, uploaded_by, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [sha, content_type, len(encoded), width, height, name, user_id,
                                                          to_text(now)])
        _record_owner(db, sha, user_id)
    return sha


def reencode(data, expected_format, fit=None, max_pixels=MAX_PIXELS):
    """Open an image safely and write it again without metadata; return (bytes, type, width, height).

    PNG stays PNG (signatures keep their transparency), as does any image with transparency; the rest becomes JPEG.
    `fit` (width, height) downscales the image to fit inside that box (a signature);
    `max_pixels` refuses, before decoding, anything larger. Decoding waits for a free decode slot.
    Raises UploadError with a sentence for the technician (webapp/images.py says what is read).
    """
    try:
        with decode_slot():
            return images.reencode(data, {expected_format}, as_png=expected_format == "PNG", fit=fit, max_pixels=max_pixels)
    except images.ImageProblem as problem:
        # A phone photo (48- and 50-MP JPEGs are read at half their sides, more is not): worded by its reason, again
        # for whoever asks next. A smaller bound (a signature) says its own number of megapixels.
        reason = {"bomb": "pixels"}.get(problem.code, problem.code)
        reason = reason if reason in REFUSALS else "unreadable"
        if reason == "pixels" and max_pixels < MAX_PIXELS:
            raise UploadError(_("The photo has too many pixels (%(mp)d megapixels at most).",
                                mp=max(1, max_pixels // 1_000_000))) from None
        raise UploadError(REFUSALS[reason](), reason=reason) from None
