"""Today's jobs in appointment order, and one job with its actions."""
import datetime
from urllib.parse import quote

from flask import abort, render_template
from flask_login import current_user, login_required

from ..db import get_db
from ..orders.lifecycle import ACTIVE_STATES
from ..orders.routes import render_order
from ..orders.views import local_zone
from ..timeutil import from_text, to_text, utcnow
from . import bp



@bp.before_request
@login_required
def _technicians_only():
    if current_user.role != "technician":
        abort(403)


def my_jobs(db, user, now, tz):
    """Split the technician's open orders into: to appoint, today (by appointment time), later."""
    marks = ",".join("?" * len(ACTIVE_STATES))
    rows = list(db.query(
        f"SELECT * FROM orders WHERE technician_id = ? AND state IN ({marks})"
        " ORDER BY appointment_start IS NULL DESC, appointment_start, next_due_at", [user.id, *ACTIVE_STATES]))
    end_of_today = datetime.datetime.combine(now.astimezone(tz).date(), datetime.time(23, 59, 59), tzinfo=tz)
    to_appoint = [r for r in rows if not r["appointment_start"]]
    today = [r for r in rows if r["appointment_start"] and from_text(r["appointment_start"]) <= end_of_today]
    later = [r for r in rows if r["appointment_start"] and from_text(r["appointment_start"]) > end_of_today]
    return to_appoint, today, later


def address_of(order):
    """The address as one line, district first, as a map app expects it."""
    parts = [order["district"], order["community"], order["building"] and f"{order['building']}栋",
             order["unit"] and f"{order['unit']}", order["address_detail"]]
    return " ".join(p for p in parts if p)


def map_links(order):
    """Links that open the address in a map app: geo: for Android, Amap's URI for everything else."""
    address = quote(address_of(order))
    return {"geo": f"geo:0,0?q={address}", "amap": f"https://uri.amap.com/search?keyword={address}"}


@bp.route("/")
def job_list():
    """The technician's list for today."""
    db, now, tz = get_db(), utcnow(), local_zone()
    to_appoint, today, later = my_jobs(db, current_user, now, tz)
    return render_template("jobs/list.html", to_appoint=to_appoint, today=today, later=later,
                           address_of=address_of, now_text=to_text(now))


@bp.route("/<int:order_id>")
def job(order_id):
    """One job: call, map, and the next step."""
    return render_order(order_id, template="jobs/job.html")


@bp.app_template_global()
def order_address(order):
    """Template access to the one-line address."""
    return address_of(order)


@bp.app_template_global()
def order_map_links(order):
    """Template access to the map links."""
    return map_links(order)
