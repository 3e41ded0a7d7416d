"""Sign-off links for the customer's own phone, the visit report (HTML and PDF), callbacks for the desk."""
import base64
import binascii
import datetime
import hashlib
import hmac
import json
import secrets

import segno
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from .. import images
from ..db import get_db, one, transaction
from ..operations import public_url
from ..orders import store
from ..orders.views import local_zone
from ..sync import uploads
from ..textclean import visible
from ..timeutil import from_text, to_text, utcnow
from ..background import tasks
from ..enterprise import test_report
from ..enterprise.phone import indicator_problem  # one wording for an unreadable indicator
from . import bp, callbacks, content, pdfs, report

SIGNATURE_LIMIT = 600 * 1024
SIGNATURE_BOX = (2000, 800)  # a signature is kept at most this size: downscaled on arrival
SIGNATURE_MAX_PIXELS = 8_000_000  # anything larger is refused before it is decoded (an image bomb)
LINK_MAX_FAILURES = 5  # failed sends before a customer's link is spent
SIGNABLE_STATES = ("restored",)  # the customer confirms a restoration; after that the link no longer signs


# ---- a link for the customer's own phone ----

@bp.post("/api/signoff-links")
@login_required
def create_link():
    """A single-use, expiring link (and its QR code) that opens this one visit for the customer."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    order_id = body.get("order_id")
    db = get_db()
    valid = isinstance(order_id, int) and not isinstance(order_id, bool) and 1 <= order_id <= 2 ** 62
    order = one(db, "SELECT * FROM orders WHERE id = ?", [order_id]) if valid else None
    if order is None or order["technician_id"] != current_user.id:
        return jsonify(error=_("Not found, or not yours to see.")), 404
    if order["state"] not in SIGNABLE_STATES:
        return jsonify(error=_("The customer signs after the service is restored.")), 409
    tested = tester_png = None
    if order["access_type"] == "enterprise":
        try:
            tested, tester_png = _link_test_report(order, body)
        except ValueError as exc:
            return jsonify(error=str(exc)), 422
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + datetime.timedelta(minutes=current_app.config["SIGNOFF_LINK_MINUTES"])
    with transaction(db):
        if tested:
            tested["tester_signature_sha256"] = uploads.store_bytes(
                db, tester_png, "image/png", current_user.id, uploads.blob_dir(current_app.config["BLOB_FOLDER"]), now)
        db.conn.execute("INSERT INTO signoff_links (token_hash, order_id, created_by, created_at, expires_at, test_report)"
                        " VALUES (?, ?, ?, ?, ?, ?)", [_hash(token), order["id"], current_user.id, to_text(now), to_text(expires),
                                                       json.dumps(tested, ensure_ascii=False) if tested else None])
    url = public_url("signoff.customer_page", token=token)
    qr = segno.make(url, error="m").svg_inline(scale=5, dark="#1d2733", light="#fff")
    return jsonify(url=url, qr_svg=qr, expires_at=to_text(expires)), 201


def _link_test_report(order, body):
    """An enterprise line's end-to-end test report for the customer's own phone, as the on-phone sign-off takes it
    (webapp/sync/mutations.py sign_off): `test_indicators` {indicator id: value} judged here against the line's
    template (webapp/enterprise/test_report.py, seed 001: every indicator filled in), `test_remark` needed when a
    value is out of standard, and the tester's signature `tester_signature` (a PNG data URL).

    Returns (report without the signature's sha256, signature PNG bytes); raises ValueError in the technician's words.
    """
    values = body.get("test_indicators")
    if not isinstance(values, dict) or not values:
        raise ValueError(_("An enterprise line needs the end-to-end test report with its indicators, signed by the tester."))
    try:
        template, rows, within = test_report.check(order["enterprise_service"], values)
    except test_report.IndicatorError as bad:
        raise ValueError(indicator_problem(bad)) from None
    remark = body.get("test_remark") or ""
    if not isinstance(remark, str) or len(remark) > test_report.MAX_REMARK:
        raise ValueError(_("“%(field)s” is not valid text of at most %(limit)d characters.", field="test_remark",
                           limit=test_report.MAX_REMARK))
    remark = visible(remark.strip())
    if not within and len(remark) < 4:
        raise ValueError(_("Out of standard: %(names)s. Test again, or write in the tester's remark why the report is signed"
                           " with it.", names="、".join(f"{r['name']} {r['value']}（{r['standard']}）" for r in rows
                                                      if r["passed"] is False)))
    signature = body.get("tester_signature")
    try:
        png = _signature_png(signature if isinstance(signature, str) else "")
    except ValueError:
        raise ValueError(_("The tester has not signed yet.")) from None
    return {"template": template, "template_version": test_report.load()["version"], "tester": current_user.display_name,
            "indicators": rows, "within_standard": within, "remark": remark}, png


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _link(db, token):
    """The link row, or a (status, message) refusal the customer understands."""
    if not isinstance(token, str) or len(token) > 100:
        return None, (404, _("This link is not valid. Ask the technician for a new one."))
    row = one(db, "SELECT * FROM signoff_links WHERE token_hash = ?", [_hash(token)])
    if row is None:
        return None, (404, _("This link is not valid. Ask the technician for a new one."))
    if row["used_at"]:
        return row, (410, _("This visit has already been signed with this link."))
    if from_text(row["expires_at"]) <= utcnow():
        return row, (410, _("This link has expired. Ask the technician for a new one."))
    if row["failed_attempts"] >= LINK_MAX_FAILURES:
        return row, (410, _("Too many attempts failed with this link. Ask the technician for a new one."))
    order = one(db, "SELECT state FROM orders WHERE id = ?", [row["order_id"]])
    if order["state"] not in SIGNABLE_STATES:
        return row, (410, _("This visit can no longer be signed here. Ask the technician."))
    return row, None


def _technician_name(db, order):
    row = one(db, "SELECT display_name FROM users WHERE id = ?", [order["technician_id"]])
    return row["display_name"] if row else ""


@bp.route("/s/<token>", methods=["GET", "POST"])
def customer_page(token):
    """The customer's own phone: this one visit, the survey, the signature. Nothing else."""
    db = get_db()
    link, refusal = _link(db, token)
    if refusal:
        status, message = refusal
        signed = one(db, "SELECT id FROM signoffs WHERE id = ?", [link["signoff_id"]]) if link and link["signoff_id"] else None
        return render_template("signoff/link_error.html", message=message,
                               report_url=_report_url(signed["id"]) if signed else None), status
    order = one(db, "SELECT * FROM orders WHERE id = ?", [link["order_id"]])
    form = FlaskForm()
    errors = []
    if request.method == "POST":
        if not form.validate_on_submit():
            errors.append(_("Your form expired or was sent from elsewhere. Reload the page and try again."))
        else:
            try:
                signoff_id = _sign_by_link(db, link, order, request.form)
            except ValueError as exc:
                errors.append(str(exc))
                _count_failure(db, link)
            else:
                return redirect(_report_url(signoff_id), code=303)
    summary = content.summary(db, order)
    tested = json.loads(link["test_report"]) if link["test_report"] else None
    return render_template("signoff/customer.html", order=order, summary=summary, form=form, errors=errors,
                           values=request.form, technician=_technician_name(db, order), test_report=tested,
                           test_title=test_report.template_for(order["enterprise_service"])[1]["title"] if tested else None,
                           operator=current_app.config["OPERATOR_NAME"]), 422 if errors else 200


def _count_failure(db, link):
    """A failed send counts against the link: it stays usable for honest mistakes, not for endless tries."""
    with transaction(db):
        db.conn.execute("UPDATE signoff_links SET failed_attempts = failed_attempts + 1 WHERE token_hash = ?",
                        [link["token_hash"]])


def survey_from_form(data):
    """The questionnaire of signoff/_survey.html, checked; ValueError with a sentence if incomplete."""
    yes_no = {"yes": True, "no": False}
    try:
        return report.check_survey({
            "solved": yes_no.get(data.get("solved")), "charged": yes_no.get(data.get("charged")),
            "attitude": data.get("attitude"), "score": int(data.get("score") or 0),
            "suggestions": data.get("suggestions") or ""})
    except (TypeError, ValueError):
        raise ValueError(_("Answer every question: solved, attitude, charged and a score from 1 to 10.")) from None


def _sign_by_link(db, link, order, data):
    signer = visible((data.get("signer_name") or "").strip(), one_line=True)
    if not signer or len(signer) > 40:
        raise ValueError(_("Write your name (at most 40 characters)."))
    survey = survey_from_form(data)
    png = _signature_png(data.get("signature") or "")
    now = utcnow()
    with transaction(db):
        fresh, refusal = _link(db, request.view_args["token"])
        if refusal:
            raise ValueError(refusal[1])
        sha = uploads.store_bytes(db, png, "image/png", None, uploads.blob_dir(current_app.config["BLOB_FOLDER"]), now)
        body = content.build(db, order, current_app.config["OPERATOR_NAME"], _technician_name(db, order), signer,
                             "customer", survey, sha, to_text(now))
        tested = json.loads(fresh["test_report"]) if fresh["test_report"] else None
        if tested:  # what the customer saw above the signature box, as the on-phone sign-off signs it
            body["test_report"] = tested
        signoff_id = secrets.token_hex(16)
        version = one(db, "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM signoffs WHERE order_id = ?", [order["id"]])["v"]
        digest = report.digest(body)
        db.conn.execute(
            "INSERT INTO signoffs (id, order_id, version, channel, report, report_hash, signature_sha256, tester_signature_sha256,"
            " signer_name, survey, signed_at, created_by, created_at) VALUES (?, ?, ?, 'link', ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            [signoff_id, order["id"], version, report.canonical(body).decode(), digest, sha,
             tested["tester_signature_sha256"] if tested else None, signer,
             json.dumps(survey, ensure_ascii=False), to_text(now), to_text(now)])
        db.conn.execute("UPDATE signoff_links SET used_at = ?, signoff_id = ? WHERE token_hash = ?",
                        [to_text(now), signoff_id, fresh["token_hash"]])
        store.record_event(db, order["id"], None, "sign_off", order["state"], order["state"], now, reason=signer,
                           details={"signoff_id": signoff_id, "version": version, "report_hash": digest, "channel": "link"},
                           version=order["version"])
    return signoff_id


def _signature_png(data_url):
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix) or len(data_url) > SIGNATURE_LIMIT * 4 // 3 + len(prefix):
        raise ValueError(_("Sign in the box before sending."))
    try:
        png = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(_("The signature could not be read; sign again.")) from None
    try:
        encoded, _type, _width, _height = uploads.reencode(png, "PNG", fit=SIGNATURE_BOX, max_pixels=SIGNATURE_MAX_PIXELS)
        inked = images.has_ink(encoded)
    except (uploads.UploadError, images.ImageProblem):
        raise ValueError(_("The signature could not be read; sign again.")) from None
    if not inked:
        raise ValueError(_("Sign in the box before sending."))
    return encoded


# ---- the report ----

def _report_url(signoff_id, pdf=False):
    token = report.report_token(current_app.config["SECRET_KEY"], signoff_id)
    return url_for("signoff.public_report_pdf" if pdf else "signoff.public_report", signoff_id=signoff_id, token=token)


def _load_signoff(db, signoff_id):
    row = one(db, "SELECT * FROM signoffs WHERE id = ?", [signoff_id])
    if row is None:
        abort(404)
    return row


def _may_read(db, row):
    if current_user.is_authenticated and current_user.is_dispatcher:
        return True
    if current_user.is_authenticated and current_user.role == "technician":
        order = one(db, "SELECT technician_id FROM orders WHERE id = ?", [row["order_id"]])
        return order and order["technician_id"] == current_user.id
    return False


def _context(db, row):
    body = json.loads(row["report"])
    verified = report.digest(body) == row["report_hash"]
    current = one(db, "SELECT version FROM orders WHERE id = ?", [row["order_id"]])["version"]
    later = one(db, "SELECT MAX(version) AS v FROM signoffs WHERE order_id = ?", [row["order_id"]])["v"]
    return {"row": row, "report": body, "verified": verified, "changed_since": current != body.get("order_version"),
            "newer_version": later if later != row["version"] else None,
            "signature_url": url_for("signoff.signature", signoff_id=row["id"], which="customer",
                                     token=report.report_token(current_app.config["SECRET_KEY"], row["id"])),
            "tester_url": url_for("signoff.signature", signoff_id=row["id"], which="tester",
                                  token=report.report_token(current_app.config["SECRET_KEY"], row["id"]))
            if row["tester_signature_sha256"] else None,
            "pdf_url": _report_url(row["id"], pdf=True)}


def signoffs_for_desk(db, order_id):
    """The order's sign-offs for the desk's order page: who signed when, the answers, the signature, the report."""
    rows = []
    key = current_app.config["SECRET_KEY"]
    for row in db.query("SELECT * FROM signoffs WHERE order_id = ? ORDER BY version", [order_id]):
        token = report.report_token(key, row["id"])
        rows.append({**row, "survey": json.loads(row["survey"]), "report_url": _report_url(row["id"]),
                     "pdf_url": _report_url(row["id"], pdf=True),
                     "signature_url": url_for("signoff.signature", signoff_id=row["id"], which="customer", token=token)})
    return rows


def _check_token(signoff_id, token):
    expected = report.report_token(current_app.config["SECRET_KEY"], signoff_id)
    if not hmac.compare_digest(expected.encode(), (token or "").encode()):  # str compare raises on non-ASCII
        abort(404)


@bp.get("/r/<signoff_id>/<token>")
def public_report(signoff_id, token):
    """The customer's copy of the signed report (a link that cannot be guessed)."""
    _check_token(signoff_id, token)
    db = get_db()
    return render_template("signoff/report.html", **_context(db, _load_signoff(db, signoff_id)))


@bp.get("/r/<signoff_id>/<token>/report.pdf")
def public_report_pdf(signoff_id, token):
    _check_token(signoff_id, token)
    db = get_db()
    _load_signoff(db, signoff_id)
    return _pdf_response(signoff_id)


@bp.get("/r/<signoff_id>/<token>/<which>.png")
def signature(signoff_id, token, which):
    _check_token(signoff_id, token)
    db = get_db()
    row = _load_signoff(db, signoff_id)
    sha = row["signature_sha256"] if which == "customer" else row["tester_signature_sha256"] if which == "tester" else None
    blob = one(db, "SELECT * FROM blobs WHERE sha256 = ?", [sha]) if sha else None
    if blob is None:
        abort(404)
    root = uploads.blob_dir(current_app.config["BLOB_FOLDER"])
    return current_app.response_class((root / blob["path"]).read_bytes(), mimetype=blob["content_type"],
                                      headers={"Cache-Control": "no-store"})  # a customer's signature


@bp.get("/signoffs/<signoff_id>")
@login_required
def report_page(signoff_id):
    db = get_db()
    row = _load_signoff(db, signoff_id)
    if not _may_read(db, row):
        abort(404)
    return redirect(_report_url(signoff_id))


def _pdf_response(signoff_id):
    """The report's PDF, laid out by a job and kept; until it is ready, a page that says so and reloads."""
    locale = pdfs.locale_now()
    path = pdfs.stored(signoff_id, locale)
    if path is None:
        tasks.render_report_pdf(signoff_id, locale)  # immediate mode (no worker) lays it out right here
        path = pdfs.stored(signoff_id, locale)
    if path is None:
        return render_template("error.html", status=202, message=_("The report is being prepared; this page reloads in a few seconds."),
                               refresh=3), 202, {"Retry-After": "3", "Cache-Control": "no-store"}
    response = current_app.response_class(path.read_bytes(), mimetype="application/pdf")  # small; no open file left behind
    response.headers["Content-Disposition"] = f'inline; filename="{pdfs.filename(signoff_id)}"'
    return response


@bp.app_template_global()
def attitude_word(code):
    return pdfs.attitude_words().get(code, code)


# ---- callbacks (the fault desk) ----

def _desk_only():
    if not current_user.is_dispatcher:
        abort(403)


@bp.get("/callbacks/")
@login_required
def callback_list():
    _desk_only()
    db = get_db()
    rows = list(db.query(
        "SELECT c.*, o.order_no, o.customer_name, o.contact_phone, o.order_type FROM callbacks c JOIN orders o ON o.id = c.order_id"
        " ORDER BY c.status IN ('done', 'exempt'), c.due_at LIMIT 300"))
    return render_template("callbacks/list.html", rows=rows, now_text=to_text(utcnow()),
                           figures=callbacks.figures(db, utcnow()))


@bp.route("/callbacks/<int:callback_id>", methods=["GET", "POST"])
@login_required
def callback_form(callback_id):
    _desk_only()
    db = get_db()
    row = one(db, "SELECT * FROM callbacks WHERE id = ?", [callback_id])
    if row is None:
        abort(404)
    order = one(db, "SELECT * FROM orders WHERE id = ?", [row["order_id"]])
    form = FlaskForm()
    errors = []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            return _callback_post(db, row, request.form)
        except ValueError as exc:
            errors.append(str(exc))
    return render_template("callbacks/form.html", row=row, order=order, form=form, errors=errors, values=request.form,
                           answers=json.loads(row["answers"]) if row["answers"] else None,
                           rest_hours=callbacks.in_rest_hours(utcnow(), local_zone())), 422 if errors else 200


def _callback_post(db, row, data):
    now, tz = utcnow(), local_zone()
    if row["status"] in ("done", "exempt"):
        raise ValueError(_("This callback is already finished."))
    with transaction(db):
        if data.get("outcome") == "later":
            try:
                when = datetime.datetime.strptime(data.get("booked_for") or "", "%Y-%m-%dT%H:%M").replace(tzinfo=tz)
            except ValueError:
                raise ValueError(_("Give the time the customer asked to be called.")) from None
            try:
                callbacks.book(db, row, when, now, tz)
            except ValueError as exc:
                raise ValueError(_("That time is already past.") if str(exc) == "past" else
                                 _("Do not call in the customer's rest hours (before 8:00, 12:00–14:00, after 21:00).")) from None
            flash(_("Callback booked."), "ok")
        elif data.get("outcome") == "sensitive":
            db.conn.execute("UPDATE callbacks SET status = 'exempt', exempt_reason = 'sensitive', done_by = ?, done_at = ? WHERE id = ?",
                            [current_user.id, to_text(now), row["id"]])
            flash(_("Marked as not to be called back."), "ok")
        else:
            answers = survey_from_form(data)
            if callbacks.in_rest_hours(now, tz):
                if data.get("rest_hours_agreed") != "y":
                    raise ValueError(_("It is the customer's rest time (before 8:00, 12:00–14:00, after 21:00): book another "
                                       "time, or tick that the customer asked to talk now."))
                answers["rest_hours_agreed"] = True
            try:
                result, new_id = callbacks.record(db, row, answers, data.get("cause") or None, current_user, now, tz,
                                                  current_app.config["SATISFIED_SCORE"])
            except ValueError:
                raise ValueError(_("The customer is not fully satisfied: say whether because of the technician, the network or the business.")) from None
            except store.Refused as refused:
                raise ValueError(str(refused)) from None
            flash(_("Callback recorded: %(result)s.", result=RESULT_WORDS().get(result, result)), "ok")
            if new_id:
                return redirect(url_for("orders.show", order_id=new_id), code=303)
    return redirect(url_for("signoff.callback_list"), code=303)


def RESULT_WORDS():  # noqa: N802
    return {"satisfied": _("satisfied"), "basically": _("basically satisfied"), "dissatisfied": _("dissatisfied")}


@bp.app_template_global()
def result_word(code):
    return RESULT_WORDS().get(code, code or "")
