"""The console's queries: which orders need a dispatcher, and how loaded each technician is."""
import datetime

from ..orders.lifecycle import ACTIVE_STATES, OPEN_STATES
from ..timeutil import to_text

AT_RISK_WITHIN = datetime.timedelta(hours=1)
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
VIEWS = ("attention", "open", "all")
# An installation order whose due-date or progress-report warning has started (§7.3 step 5; webapp/installations).
PROVISIONING_WARNING = ("(o.order_type = 'installation' AND EXISTS (SELECT 1 FROM order_clocks c WHERE c.order_id = o.id"
                        " AND c.policy_code IN ('installation_due', 'installation_progress') AND c.stopped_at IS NULL"
                        " AND c.warn_at <= ?))")


def queue(db, filters, now, limit=PAGE_SIZE):
    """Return (rows, total) of orders matching the console's filters, earliest deadline first.

    The "attention" view is what a dispatcher must act on: unassigned or sent back, or with
    a deadline inside the next hour (or already passed).
    """
    where, params = [], []
    view = filters.get("view") or "attention"
    if view == "attention":
        states = sorted(OPEN_STATES)
        where.append(f"o.state IN ({','.join('?' * len(states))})")
        params.extend(states)
        where.append(f"(o.state IN ('created', 'rejected') OR o.next_due_at <= ? OR {PROVISIONING_WARNING})")
        params.extend([to_text(now + AT_RISK_WITHIN), to_text(now)])
    elif view == "open":
        states = sorted(OPEN_STATES)
        where.append(f"o.state IN ({','.join('?' * len(states))})")
        params.extend(states)
    for column in ("district", "order_type", "state"):
        if filters.get(column):
            where.append(f"o.{column} = ?")
            params.append(filters[column])
    if filters.get("technician_id"):
        where.append("o.technician_id = ?")
        params.append(int(filters["technician_id"]))
    if filters.get("breached"):
        where.append("o.breached = 1")
    clause = " AND ".join(where) or "1"
    rows = list(db.query(
        "SELECT o.id, o.order_no, o.order_type, o.access_type, o.priority, o.state, o.customer_name, o.district,"
        " o.community, o.building, o.next_due_at, o.next_due_policy, o.breached, o.technician_id,"
        " o.appointment_start, u.display_name AS technician_name,"
        " EXISTS (SELECT 1 FROM group_fault_links l WHERE l.order_id = o.id AND l.released_at IS NULL"
        f" AND l.kind = 'intercepted') AS held_by_group_fault, {PROVISIONING_WARNING} AS provisioning_warning"
        f" FROM orders o LEFT JOIN users u ON u.id = o.technician_id WHERE {clause}"
        " ORDER BY o.next_due_at IS NULL, o.next_due_at, o.id LIMIT ?", [to_text(now), *params, limit]))
    total = db.execute(f"SELECT COUNT(*) FROM orders o WHERE {clause}", params).fetchone()[0]
    return rows, total


def technician_load(db):
    """Return every active technician with area, skills and open orders, least loaded first."""
    placeholders = ",".join("?" * len(ACTIVE_STATES))
    return list(db.query(
        "SELECT u.id, u.username, u.display_name, u.district, u.skills, u.phone,"
        " (SELECT COUNT(*) FROM orders o WHERE o.technician_id = u.id AND o.state IN"
        f" ({placeholders})) AS load FROM users u WHERE u.role = 'technician' AND u.active = 1"
        " ORDER BY load, u.display_name", ACTIVE_STATES))


def counts(db, now):
    """Headline figures for the console: unassigned, at risk, breached and open."""
    soon = to_text(now + AT_RISK_WITHIN)
    stamp = to_text(now)
    open_states = sorted(OPEN_STATES)
    marks = ",".join("?" * len(open_states))
    row = db.execute(
        f"SELECT SUM(state IN ('created','rejected')), SUM(next_due_at > ? AND next_due_at <= ?),"
        f" SUM(next_due_at <= ?), COUNT(*) FROM orders WHERE state IN ({marks})",
        [stamp, soon, stamp, *open_states]).fetchone()
    return {"unassigned": row[0] or 0, "at_risk": row[1] or 0, "overdue": row[2] or 0, "open": row[3] or 0}
