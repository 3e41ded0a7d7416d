"""A technician's notices on the phone: carried by the sync pull, read offline, marked read by a mutation.

The sweep raises a warning and, when nothing was done, a breach of the same order; when both
come in the same minute (a sweep that caught up, a short policy) they are one event for the
technician, so the phone shows one line per order and minute, the graver kind first.
The desk's changes to the technician's orders (issue 22: "assigned", "reassigned", "changed",
each with the desk's action as `detail`) are events of their own, apart from the SLA clocks':
several desk actions on one order in one minute are one line, led by the latest, since that
says where the order stands now (taken off, given back, …).
"""
import datetime

from flask_babel import gettext as _

from ..db import one
from ..timeutil import to_text

PHONE_DAYS = 14  # how far back the phone keeps notices already read (unread ones stay until read)
PHONE_LIMIT = 100  # notices read per pull, newest first (before grouping)
MAX_IDS = 500  # ids one "mark read" may name
SEVERITY = {"breach": 0, "warning": 1}  # graver first; kinds added later sort after these
SLA_KINDS = frozenset(SEVERITY)


def _minute(stamp):
    """The minute a notice was raised in, as text ("2026-11-30T03:10")."""
    return stamp[:16]


def group_events(rows):
    """Fold notice rows into events: one per (order, minute, SLA clock or desk change), newest first.

    rows: dicts with id, order_id, order_no, customer_name, kind, policy_code, title, detail,
    created_at, read_at. Returns dicts {id, ids, order_id, order_no, customer_name, kinds, policies,
    titles, details, created_at, read}: `id` is the event's first notice id; `kinds` graver first for
    the SLA clocks, latest first for the desk's changes (with `details`, the desk's action codes, in
    the same order); `read` only when every notice in it was read.
    """
    events = {}
    for row in rows:
        family = "sla" if row["kind"] in SLA_KINDS else "desk"
        key = (row["order_id"], _minute(row["created_at"]), family)
        event = events.get(key)
        if event is None:
            event = events[key] = {"id": row["id"], "ids": [], "order_id": row["order_id"], "order_no": row["order_no"],
                                   "customer_name": row["customer_name"], "kinds": [], "policies": [], "titles": [],
                                   "details": [], "created_at": row["created_at"], "read": True}
        event["id"] = min(event["id"], row["id"])
        event["ids"].append(row["id"])
        event["created_at"] = min(event["created_at"], row["created_at"])
        event["read"] = event["read"] and row["read_at"] is not None
        event.setdefault("_rows", []).append(row)
    for (_user, _kind, family), event in events.items():
        event["ids"].sort()
        rows_in = event.pop("_rows")
        if family == "desk":
            rows_in.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
        for row in rows_in:
            for field, value in (("kinds", row["kind"]), ("policies", row["policy_code"]), ("titles", row["title"]),
                                 ("details", row.get("detail"))):
                if value and value not in event[field]:
                    event[field].append(value)
        if family == "sla":
            event["kinds"].sort(key=lambda kind: SEVERITY.get(kind, len(SEVERITY)))
    return sorted(events.values(), key=lambda e: (e["created_at"], e["id"]), reverse=True)


def for_phone(db, user_id, now):
    """The technician's unread notices and those read in the last PHONE_DAYS days, as events (see group_events)."""
    since = to_text(now - datetime.timedelta(days=PHONE_DAYS))
    rows = db.query(
        "SELECT n.id, n.order_id, n.kind, n.policy_code, n.title, n.detail, n.created_at, n.read_at, o.order_no, o.customer_name"
        " FROM notices n JOIN orders o ON o.id = n.order_id"
        " WHERE n.user_id = ? AND n.role = 'technician' AND (n.read_at IS NULL OR n.created_at >= ?) ORDER BY n.created_at DESC, n.id DESC LIMIT ?",
        [user_id, since, PHONE_LIMIT])
    return group_events(list(rows))


def phone_tag(db, user_id, now):
    """A short text that changes whenever the list `for_phone` gives would change: "count:max id:last read".

    The pull sends the list only when the phone's tag differs (issue 14: most pulls carry nothing), so a
    notice made, read or aged out of the PHONE_DAYS window reaches the phone on its next pull.
    """
    since = to_text(now - datetime.timedelta(days=PHONE_DAYS))
    row = one(db, "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top, COALESCE(MAX(read_at), '') AS read FROM notices"
                  " WHERE user_id = ? AND role = 'technician' AND (read_at IS NULL OR created_at >= ?)", [user_id, since])
    return f"{row['n']}:{row['top']}:{row['read']}"


def mark_read(ctx, args, base_version, occurred_at):
    """Sync mutation `notices.mark_read` {ids: [notice id, …]}: mark this technician's notices read.

    Ids that are not theirs (or do not exist) are passed over silently, so nothing is revealed.
    Returns {"marked": n}. Rejects a list that is not whole numbers or longer than MAX_IDS.
    """
    from ..sync.mutations import MAX_INT, Rejected
    ids = args.get("ids")
    if (not isinstance(ids, list) or not ids or len(ids) > MAX_IDS
            or any(isinstance(i, bool) or not isinstance(i, int) or not 0 < i <= MAX_INT for i in ids)):
        raise Rejected(_("Notices to mark read must be a list of at most %(n)d notice numbers.", n=MAX_IDS))
    marks = ",".join("?" * len(ids))
    cursor = ctx.db.conn.execute(
        f"UPDATE notices SET read_at = ?, read_by = ? WHERE id IN ({marks}) AND role = 'technician' AND user_id = ?"
        " AND read_at IS NULL", [to_text(ctx.received), ctx.user.id, *ids, ctx.user.id])
    return {"marked": cursor.rowcount}
