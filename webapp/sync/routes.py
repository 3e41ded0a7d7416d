"""JSON endpoints of the sync contract. Session cookie auth; unauthenticated answers 401 JSON."""
from flask import abort, current_app, jsonify, request, send_from_directory
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from .. import metrics, strict_json
from ..db import get_db, one
from ..orders.views import local_zone
from ..timeutil import utcnow
from . import bp, protocol, uploads


@bp.before_request
@login_required
def _technicians_only():
    # Only technicians keep a briefcase; the desk works online. Checked on every endpoint.
    if current_user.role != "technician" and request.endpoint not in ("sync.session_info", "sync.blob"):
        return jsonify(error=_("Only technicians sync a phone.")), 403
    return None


def _json_body():
    """The request's JSON body, or None when there is none; BadRequest saying why when it is not JSON the app reads
    (webapp/strict_json.py: NaN, Infinity, numbers out of range, integers of more than 40 digits, nesting deeper than
    32, or not JSON at all)."""
    body = request.get_json(silent=True)
    data = request.get_data(cache=True)
    if body is None and data:
        try:
            strict_json.loads(data)
        except strict_json.Refused as refused:
            raise protocol.BadRequest(_refused_json(refused.reason)) from None
    return body


def _refused_json(reason):
    """A technician's sentence for strict_json's refusal `reason` (strict_json.Refused)."""
    why = {"number": _("a number is NaN, Infinity or too large"),
           "digits": _("an integer has more than 40 digits"),
           "nesting": _("it is nested more than 32 levels deep"),
           "encoding": _("it is not UTF-8 text")}.get(reason, _("it is not valid JSON"))
    return _("The body is not JSON the app reads (%(reason)s); nothing in it was saved.", reason=why)


def _bad(message, status=400):
    return jsonify(error=message), status


@bp.get("/session")
def session_info():
    """Who is logged in, and a fresh CSRF token for the phone's requests."""
    return jsonify(user_id=current_user.id, username=current_user.username,
                   display_name=current_user.display_name, role=current_user.role, csrf_token=generate_csrf())


@bp.post("/sync/push")
def push():
    try:
        answer = protocol.push(get_db(), current_user, _json_body(), utcnow(), local_zone())
        metrics.observe_push(answer["results"])
        return jsonify(answer)
    except protocol.BadRequest as exc:
        return _bad(str(exc))


@bp.get("/sync/pull")
def pull():
    raw = request.args.get("cursor", "")
    try:
        cursor = int(raw) if raw and len(raw) < 19 else None
    except ValueError:
        cursor = None  # unusable cursor: a full snapshot
    try:
        answer = protocol.pull(get_db(), current_user, request.args.get("client_id"), cursor,
                               request.args.get("notices_tag", "")[:80] or None)
        metrics.observe_pull(answer["reset"])
        return jsonify(answer)
    except protocol.BadRequest as exc:
        return _bad(str(exc))


def _root():
    return uploads.blob_dir(current_app.config["BLOB_FOLDER"])


def _refused_upload(exc):
    return jsonify(error=str(exc), code=exc.code), exc.status


@bp.post("/uploads")
def create_upload():
    cfg = current_app.config
    # Abandoned uploads expire here too, so a phone that lost its half-sent photos is never stuck at "busy"
    # waiting for someone to run `flask uploads expire`.
    uploads.expire_stale(get_db(), _root(), utcnow(), cfg["UPLOAD_EXPIRY_HOURS"], user_id=current_user.id)
    try:
        status, body = uploads.create(get_db(), current_user, _json_body(), utcnow(), _root(),
                                      cfg["UPLOAD_MAX_OPEN"], cfg["UPLOAD_MAX_OPEN_BYTES"])
    except uploads.UploadError as exc:
        return _refused_upload(exc)
    except protocol.BadRequest as exc:
        return _bad(str(exc))
    return jsonify(body), status


@bp.route("/uploads/<upload_id>", methods=["HEAD"])
def upload_offset(upload_id):
    try:
        received = uploads.offset(get_db(), current_user, upload_id)
    except uploads.UploadError as exc:
        return "", exc.status
    return "", 200, {"Upload-Offset": str(received), "Cache-Control": "no-store"}


@bp.route("/uploads/<upload_id>", methods=["PATCH"])
def upload_chunk(upload_id):
    offset = request.headers.get("Upload-Offset")
    if offset is None:
        return _bad(_("Upload-Offset header is missing."))
    if not (offset.isascii() and offset.strip().isdigit()):  # int() takes "-5", "+5" and "٥" too: a byte count is 0-9
        return _bad(_("Upload-Offset must be a number of bytes."))
    claimed = int(offset)
    try:
        received = uploads.append(get_db(), current_user, upload_id, claimed, request.stream,
                                  request.content_length, _root(), utcnow())
    except uploads.UploadError as exc:
        response, status = _refused_upload(exc)
        if exc.status == 409:
            response.headers["Upload-Offset"] = str(uploads.offset(get_db(), current_user, upload_id))
        return response, status
    return "", 204, {"Upload-Offset": str(received)}


@bp.get("/blobs/<sha256>")
def blob(sha256):
    """A stored photo, to whoever may see an order it is attached to (or who uploaded it)."""
    db = get_db()
    row = one(db, "SELECT * FROM blobs WHERE sha256 = ?", [sha256])
    if row is None or not uploads.may_use(db, current_user, sha256):
        abort(404)
    capture = not row["content_type"].startswith("image/")  # a pcap or text capture: downloaded, never shown inline
    response = send_from_directory(_root(), row["path"], mimetype=row["content_type"], max_age=86400,
                                   as_attachment=capture, download_name=row["path"] if capture else None)
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    return response
