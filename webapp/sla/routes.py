"""Notices: warnings, breaches and order changes reaching the role (or technician) they are meant for.

The desk sees them grouped per order with filters and "mark all read", and the latest daily digest
of breaches (issue 22 item 3); a technician sees their own list (the phone carries them offline).
"""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..db import get_db, one, transaction
from ..textclean import whole_number
from ..timeutil import to_text, utcnow
from . import bp

NOTICE_KINDS = ("warning", "breach", "assigned", "reassigned", "changed")


def _addressed_to(user):
    """Say which notices are this person's: their role's, or for a technician their own orders'."""
    if user.role == "technician":
        return "n.role = 'technician' AND n.user_id = ?", [user.id]
    return "n.role = ?", [user.role]


def _filters(args):
    """The notice filters from the query or form: kind, policy, district, unread only."""
    return {"kind": args.get("kind") if args.get("kind") in NOTICE_KINDS else "",
            "policy": (args.get("policy") or "")[:60], "district": (args.get("district") or "")[:60],
            "unread": args.get("unread") == "1"}


def _where(user, filters):
    clause, params = _addressed_to(user)
    for name, column in (("kind", "n.kind"), ("policy", "n.policy_code"), ("district", "o.district")):
        if filters.get(name):
            clause += f" AND {column} = ?"
            params.append(filters[name])
    if filters.get("unread"):
        clause += " AND n.read_at IS NULL"
    return clause, params


def notices_for(db, user, unread_only=False, limit=200, filters=None):
    """Return the notices addressed to this person's role (a technician: their own orders)."""
    clause, params = _where(user, {**(filters or {}), "unread": unread_only or (filters or {}).get("unread")})
    return list(db.query(
        "SELECT n.*, o.order_no, o.customer_name, o.state, o.district FROM notices n JOIN orders o ON o.id = n.order_id"
        f" WHERE {clause} ORDER BY n.read_at IS NOT NULL, n.created_at DESC, n.id DESC LIMIT ?", [*params, limit]))


def grouped_by_order(rows):
    """Group notices per order, the order with the newest unread first: [{order_id, order_no, ..., notices, unread}]."""
    groups = {}
    for row in rows:
        group = groups.setdefault(row["order_id"], {"order_id": row["order_id"], "order_no": row["order_no"],
                                                    "customer_name": row["customer_name"], "state": row["state"],
                                                    "district": row["district"], "notices": [], "unread": 0})
        group["notices"].append(row)
        group["unread"] += row["read_at"] is None
    return sorted(groups.values(), key=lambda g: (g["unread"] == 0, -max(n["id"] for n in g["notices"])))


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
    """The inbox: the desk's notices per order, filtered, with the last daily digest.

    A technician's notices live in the phone app (offline too), so they are sent there.
    """
    if current_user.role == "technician":
        return redirect(url_for("jobs.notices"), code=303)
    db = get_db()
    from ..notify import digest
    filters = _filters(request.args)
    rows = notices_for(db, current_user, limit=1000, filters=filters)
    districts = [r["name"] for r in db.query("SELECT name FROM districts ORDER BY name")]
    policies = [r["code"] for r in db.query("SELECT code FROM sla_policies ORDER BY code")]
    return render_template("notices_desk.html", groups=grouped_by_order(rows), filters=filters, kinds=NOTICE_KINDS,
                           districts=districts, policies=policies, digest=digest.latest(db), shown=len(rows))


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


@bp.route("/notices/read-all", methods=["POST"])
@login_required
def mark_all_read():
    """Mark every unread notice addressed to this person that the current filters (and order, if given) show."""
    db = get_db()
    filters = _filters(request.form)
    clause, params = _where(current_user, {**filters, "unread": True})
    order_id = whole_number(request.form.get("order_id"))
    if order_id is not None:
        clause += " AND n.order_id = ?"
        params.append(order_id)
    with transaction(db):
        db.conn.execute(
            f"UPDATE notices SET read_at = ?, read_by = ? WHERE id IN (SELECT n.id FROM notices n JOIN orders o"
            f" ON o.id = n.order_id WHERE {clause})", [to_text(utcnow()), current_user.id, *params])
    query = {k: v for k, v in (("kind", filters["kind"]), ("policy", filters["policy"]), ("district", filters["district"]),
                                ("unread", "1" if filters["unread"] else "")) if v}
    return redirect(url_for("sla.notices", **query), code=303)


@bp.app_context_processor
def _badge():
    if current_user.is_authenticated:
        return {"unread_notices": unread_count(get_db(), current_user)}
    return {"unread_notices": 0}
