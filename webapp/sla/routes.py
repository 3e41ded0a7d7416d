"""Notices: warnings and breaches reaching the role (or technician) they are meant for."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..db import get_db, one
from ..timeutil import to_text, utcnow
from . import bp


def _addressed_to(user):
    """Say which notices are this person's: their role's, or for a technician their own orders'."""
    if user.role == "technician":
        return "n.role = 'technician' AND n.user_id = ?", [user.id]
    return "n.role = ?", [user.role]


def notices_for(db, user, unread_only=False, limit=200):
    """Return the notices addressed to this person's role (a technician: their own orders)."""
    clause, params = _addressed_to(user)
    if unread_only:
        clause += " AND n.read_at IS NULL"
    return list(db.query(
        "SELECT n.*, o.order_no, o.customer_name, o.state FROM notices n JOIN orders o ON o.id = n.order_id"
        f" WHERE {clause} ORDER BY n.read_at IS NOT NULL, n.created_at DESC LIMIT ?", [*params, limit]))


def unread_count(db, user):
    """Count unread notices for the badge in the navigation.

    A technician's are counted as the phone lists them: one per order and minute (webapp/sla/notices.py),
    so the badge does not change when the app takes over from the page.
    """
    clause, params = _addressed_to(user)
    counted = "DISTINCT n.order_id || ' ' || substr(n.created_at, 1, 16)" if user.role == "technician" else "*"
    return one(db, f"SELECT COUNT({counted}) AS n FROM notices n WHERE {clause} AND n.read_at IS NULL", params)["n"]


@bp.route("/notices")
@login_required
def notices():
    """The escalation inbox (a technician's notices live in the phone app, offline too)."""
    if current_user.role == "technician":
        return redirect(url_for("jobs.notices"), code=303)
    db = get_db()
    return render_template("notices.html", notices=notices_for(db, current_user))


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@login_required
def mark_read(notice_id):
    """Mark one notice as read (only one addressed to this person)."""
    db = get_db()
    clause, params = _addressed_to(current_user)
    if not one(db, f"SELECT id FROM notices n WHERE n.id = ? AND {clause}", [notice_id, *params]):
        abort(404)
    db.execute("UPDATE notices SET read_at = ?, read_by = ? WHERE id = ?", [to_text(utcnow()), current_user.id, notice_id])
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("sla.notices"), code=303)


@bp.app_context_processor
def _badge():
    if current_user.is_authenticated:
        return {"unread_notices": unread_count(get_db(), current_user)}
    return {"unread_notices": 0}
