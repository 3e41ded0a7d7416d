"""Follow-ups of a dissatisfied callback that someone owns (domain reference §6.2 #6, §9.2 item 18; issue 21 item 5).

Dissatisfied with the technician → the supervisor supervises a time-limited fix; with network quality → a revisit
(the reopened order) that the desk person who took the callback sees through; with the business → marketing, which
this app has no role for, so a supervisor owns it and passes it on. Each has an owner, a due time (FOLLOWUP_DAYS),
a done state with what was done, and a notice to its owner.
"""
import datetime

from ..db import one
from ..timeutil import to_text

OWNER_ROLE = {"supervisor_fix": "supervisor", "marketing": "supervisor", "revisit": None}


def owner_for(db, kind, user):
    """Who owns a follow-up: the least-loaded active supervisor, or for a revisit the person who took the callback."""
    if OWNER_ROLE.get(kind) is None:
        return user.id, user.role
    row = one(db, "SELECT u.id FROM users u WHERE u.role = 'supervisor' AND u.active = 1 ORDER BY"
                  " (SELECT COUNT(*) FROM order_followups f WHERE f.owner_id = u.id AND f.done_at IS NULL), u.id LIMIT 1")
    return (row["id"], "supervisor") if row else (user.id, user.role)


def _days():
    from flask import current_app, has_app_context
    from ..config import Config
    return (current_app.config if has_app_context() else vars(Config))["FOLLOWUP_DAYS"]


def open_followup(db, callback, order, kind, user, now, new_order_id=None):
    """Create the follow-up with its owner and due time and notify the owner (inside the caller's transaction)."""
    owner_id, owner_role = owner_for(db, kind, user)
    due = now + datetime.timedelta(days=_days())
    db.conn.execute(
        "INSERT INTO order_followups (id, order_id, run_id, kind, created_at, owner_id, due_at, outcome) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)",
        [f"callback-{callback['id']}:{kind}", order["id"], kind, to_text(now), owner_id, to_text(due),
         f"#{new_order_id}" if new_order_id else ""])
    db.conn.execute("INSERT INTO notices (order_id, policy_code, kind, role, user_id, title, created_at) VALUES (?, ?, 'warning', ?, ?, ?, ?)",
                    [order["id"], f"followup_{kind}", owner_role, owner_id, kind, to_text(now)])


def listing(db, user, show_done=False):
    """Follow-ups with an owner, open ones first by due time; a dispatcher sees their own, a supervisor all."""
    where = "f.owner_id IS NOT NULL" + ("" if show_done else " AND f.done_at IS NULL")
    params = []
    if user.role != "supervisor":
        where += " AND f.owner_id = ?"
        params.append(user.id)
    return list(db.query(
        "SELECT f.*, o.order_no, o.customer_name, u.display_name AS owner_name, d.display_name AS done_by_name"
        " FROM order_followups f JOIN orders o ON o.id = f.order_id LEFT JOIN users u ON u.id = f.owner_id"
        f" LEFT JOIN users d ON d.id = f.done_by WHERE {where} ORDER BY f.done_at IS NOT NULL, f.due_at LIMIT 500", params))


def mark_done(db, followup_id, user, outcome, now):
    """Record what was done; only the owner or a supervisor may. Returns False when not theirs or already done."""
    row = one(db, "SELECT * FROM order_followups WHERE id = ? AND owner_id IS NOT NULL", [followup_id])
    if row is None or row["done_at"] or (row["owner_id"] != user.id and user.role != "supervisor"):
        return False
    db.conn.execute("UPDATE order_followups SET done_at = ?, done_by = ?, outcome = trim(outcome || ' ' || ?) WHERE id = ?",
                    [to_text(now), user.id, outcome, followup_id])
    return True
