"""What the desk records on a complaint order, one row per order, each change in the order's audit trail."""
import json

from ..db import one, transaction
from ..orders.store import get_order, record_event
from ..timeutil import to_text

KINDS = ("classification", "slow_speed_reply")


def record_of(db, order_id):
    """Return {'classification': dict|None, 'slow_speed_reply': dict|None, 'updated_at': text|None}."""
    row = one(db, "SELECT * FROM complaint_records WHERE order_id = ?", [order_id])
    if row is None:
        return {"classification": None, "slow_speed_reply": None, "updated_at": None}
    return {kind: json.loads(row[kind]) if row[kind] else None for kind in KINDS} | {"updated_at": row["updated_at"]}


def save(db, order_id, user, kind, value, now):
    """Store one part of the complaint record (`kind` in KINDS) and note it in the order's audit trail.

    Raises orders.store.NotFound when the person may not see the order.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    stamp, text = to_text(now), json.dumps(value, ensure_ascii=False)
    with transaction(db):
        order = get_order(db, order_id, user)
        db.conn.execute(
            f"INSERT INTO complaint_records (order_id, {kind}, updated_by, updated_at) VALUES (?, ?, ?, ?)"
            f" ON CONFLICT (order_id) DO UPDATE SET {kind} = excluded.{kind}, updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at", [order_id, text, user.id, stamp])
        record_event(db, order_id, user.id, kind, order["state"], order["state"], now, details=value,
                     version=order["version"])
