"""Visit-report PDFs: laid out by a background job, kept on disk, served as files.

Laying out a report (CJK font subsetting, images) takes a good part of a second; done in a
request it would hold a web thread that other technicians' syncs are waiting for. The job
writes `<BLOB_FOLDER>/reports/<key>.pdf` once, the key a hash of the stored report and the
language, so a report that changed in the database is laid out again, never served stale.
"""
import hashlib
import json
import os
import pathlib
import re

from flask import current_app
from flask_babel import get_locale, gettext as _

from ..db import get_db, one
from ..filters import localtime
from ..sync import uploads
from . import report

SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def folder():
    path = pathlib.Path(current_app.config["BLOB_FOLDER"]) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def locale_now():
    """The request's language as the file name part ('zh_Hans_CN' or 'en')."""
    return "en" if str(get_locale() or "") == "en" else "zh_Hans_CN"


def _path(signoff_id, locale):
    """Named by the stored report itself and the language: a report changed behind our back is laid out anew."""
    if not SAFE_ID.match(signoff_id) or locale not in current_app.config["LANGUAGES"]:
        raise ValueError("signoff id or locale")
    row = one(get_db(), "SELECT id, report, report_hash FROM signoffs WHERE id = ?", [signoff_id])
    if row is None:
        raise ValueError("signoff id")
    key = hashlib.sha256("\n".join([row["id"], row["report"], row["report_hash"], locale]).encode()).hexdigest()[:32]
    return folder() / f"{key}.pdf"


def stored(signoff_id, locale):
    """The kept PDF's path, or None when it has not been laid out yet."""
    path = _path(signoff_id, locale)
    return path if path.exists() else None


def filename(signoff_id):
    """`<order no>-v<version>.pdf`, the name the customer's download gets."""
    row = one(get_db(), "SELECT version, report FROM signoffs WHERE id = ?", [signoff_id])
    return f"{json.loads(row['report'])['order_no']}-v{row['version']}.pdf"


def render(signoff_id, locale):
    """Lay out sign-off `signoff_id`'s report in the current locale and keep it (no transaction is open)."""
    db = get_db()
    row = one(db, "SELECT * FROM signoffs WHERE id = ?", [signoff_id])
    if row is None:
        return None
    body = json.loads(row["report"])
    root = uploads.blob_dir(current_app.config["BLOB_FOLDER"])

    def png(sha):
        blob = one(db, "SELECT path FROM blobs WHERE sha256 = ?", [sha]) if sha else None
        return (root / blob["path"]).read_bytes() if blob else None

    data = report.pdf(body, row["report_hash"], png(row["signature_sha256"]), png(row["tester_signature_sha256"]),
                      font=current_app.config.get("PDF_FONT"), labels=labels(body),
                      verified=report.digest(body) == row["report_hash"], version=row["version"])
    path = _path(signoff_id, locale)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)  # readers see the whole file or none
    return path


def attitude_words():
    return {"satisfied": _("satisfied"), "average": _("average"), "dissatisfied": _("dissatisfied")}


def labels(body):
    """The report's words in the current language."""
    survey = body.get("survey", {})
    return {
        "title": _("Visit report"), "order_no": _("Order"), "customer": _("Customer"), "address": _("Address"),
        "technician": _("Technician"), "found": _("What was found"), "done": _("What was done"),
        "remarks": _("Technician's remarks"), "measured": _("Measured"), "indicator": _("Test indicator"), "standard": _("standard"), "passed": _("within standard"),
        "failed": _("OUT OF STANDARD"),
        "test_remark": _("Tester's remark"), "survey": _("Your answers"),
        "survey_line": _("Solved: %(solved)s · Attitude: %(attitude)s · Charged: %(charged)s · Score: %(score)s · %(suggestions)s",
                         solved=_("yes") if survey.get("solved") else _("no"),
                         attitude=attitude_words().get(survey.get("attitude"), ""),
                         charged=_("yes") if survey.get("charged") else _("no"), score=survey.get("score", ""),
                         suggestions=survey.get("suggestions", "")),
        "signer": _("Signed by"), "signed_at": _("Signed at"), "signature": _("Customer's signature"),
        "tester_signature": _("Tester's signature"), "hash": _("Report SHA-256"),
        "verified": _("Checked: the report is exactly as it was signed."),
        "undrawable": _("Characters this PDF cannot draw are shown as [U+code]; the signed report holds them unchanged."),
        "signer_role_value": {"customer": _("customer"), "account_manager": _("account manager")}.get(body.get("signer_role"), ""),
        "signed_at_value": localtime(body.get("signed_at"), "full")}
