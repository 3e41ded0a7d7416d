"""The technician's app: one page that draws the job list and every job from the phone's briefcase."""
from urllib.parse import quote

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required

from .. import CONTENT_SECURITY_POLICY, labels
from ..db import get_db, one
from ..orders import forms
from ..playbooks.engine import LED_WORDS
from ..pwa.routes import offline_url, start_modules
from . import bp
from .words import offline_words

LABEL_KINDS = ("order_type", "access_type", "symptom", "priority", "state", "action", "led_state", "led_color", "policy",
               "title", "notice_kind", "led_problem")


@bp.before_request
@login_required
def _technicians_only():
    if current_user.role != "technician":
        abort(403)


def address_of(order):
    """The address as one line, district first, as a map app expects it."""
    # "1" becomes "1栋"; a building typed as written on the wall ("1栋", "1号楼", "A座") is kept as typed.
    building = (order["building"] or "").strip()
    if building and building[-1].isascii() and building[-1].isalnum():
        building += "栋"
    parts = [order["district"], order["community"], building,
             order["unit"] and f"{order['unit']}", order["address_detail"]]
    return " ".join(p for p in parts if p)


def map_links(order):
    """Links that open the address in a map app: geo: for Android, Amap's URI for everything else."""
    address = quote(address_of(order))
    return {"geo": f"geo:0,0?q={address}", "amap": f"https://uri.amap.com/search?keyword={address}"}


def boot_data():
    """What the app needs before it can draw anything: who, the words, the zone."""
    closure = forms.ClosureForm(formdata=None, meta={"csrf": False})
    return {
        "user": {"id": current_user.id, "name": current_user.display_name, "phone": current_user.phone},
        "tz": current_app.config["TIMEZONE"],
        "lang": "en" if str(get_locale()) == "en" else "zh",
        "operator": current_app.config["OPERATOR_NAME"],
        "sms_template": current_app.config["SMS_APPOINTMENT_TEMPLATE"],
        "strings": offline_words(),
        "labels": {kind: {code: labels.label(code, kind) for code in labels._TABLES[kind]} for kind in LABEL_KINDS},
        "closure_classes": [[c.value, str(c.label)] for c in closure.classification.choices],
        "closure_confirmations": [[c.value, str(c.label)] for c in closure.confirmation.choices],
        "report_led_words": LED_WORDS["zh"],  # the visit report is in Chinese, worded as the server's (signoff/content.py)
    }


# The phone shell also refuses any string written into a markup sink (innerHTML and the like)
# unless it comes through lit-html's Trusted Types policy, which only ever carries the
# templates' own static markup: data cannot become markup there even by mistake. ("ontrack-sw"
# vouches for the service worker's URL, offline/app.js.)
SHELL_CSP = CONTENT_SECURITY_POLICY + "; require-trusted-types-for 'script'; trusted-types lit-html ontrack-sw"


def first_load():
    """Whether this is a phone's first load of its list, drawn by the server (webapp/jobs/first_list.py).

    A browser's navigation (not the app's own fetch of the shell, not the service worker's copy)
    from a phone that does not say it holds this technician's briefcase.
    """
    from . import first_list  # here: first_list reads the briefcase (sync/briefcase.py), which imports this module
    return (request.headers.get("Sec-Fetch-Mode") == "navigate"
            and request.cookies.get(first_list.BRIEFCASE_COOKIE) != str(current_user.id))


def shell(with_list=False):
    """The one page every job URL answers with; the app draws the screen from the briefcase.

    with_list: the job list drawn into it (a first load); such a page is not the shell the
    service worker keeps (no X-ONTrack-Shell), since offline it would show a list from the past.
    """
    from . import first_list  # see first_load
    boot = boot_data()
    first = first_list.job_list(get_db(), current_user.id, boot["strings"], boot["lang"]) if with_list else None
    page = render_template("jobs/app.html", boot=boot, offline_url=offline_url, start_modules=start_modules(), first=first)
    response = current_app.make_response(page)
    # Both name whose page it is: the service worker keeps only a shell as the offline page, and a
    # kept shell of someone else (a session that ran out on a shared phone) is replaced (review r2).
    if first is None:
        response.headers["X-ONTrack-Shell"] = str(current_user.id)
    else:
        response.headers["X-ONTrack-Drawn"] = str(current_user.id)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = SHELL_CSP
    return response


@bp.route("/")
def job_list():
    """The technician's list: drawn on the phone from what it holds (by the server too on its first load)."""
    return shell(with_list=first_load())


@bp.route("/notices")
def notices():
    """The technician's notices: drawn on the phone from the briefcase (offline too)."""
    return shell()


@bp.route("/<int:order_id>")
def job(order_id):
    """One job; online, an order that is not theirs is refused here already."""
    order = one(get_db(), "SELECT technician_id FROM orders WHERE id = ?", [order_id])
    if order is None or order["technician_id"] != current_user.id:
        abort(404)
    return shell()


@bp.app_template_global()
def order_address(order):
    """Template access to the one-line address."""
    return address_of(order)


@bp.app_template_global()
def order_map_links(order):
    """Template access to the map links."""
    return map_links(order)
