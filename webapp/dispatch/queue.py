"""The console's queries: which orders need a dispatcher, and how loaded each technician is."""
import datetime

from ..orders.lifecycle import ACTIVE_STATES, OPEN_STATES
from ..timeutil import to_text

AT_RISK_WITHIN = datetime.timedelta(hours=1)
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
VIEWS = ("attention", "open", "all")
TECHNICIAN_PAGE = 50
# Overdue, one definition for the headline count and the filter: an open order whose running
# deadline has passed. A suspended order's clocks are paused (shifted on resume), so it is not.
OVERDUE = "o.state != 'suspended' AND o.next_due_at <= ?"
URGENT_UNASSIGNED_FIRST = "NOT (o.state IN ('created', 'rejected') AND o.priority IN ('urgent', 'high')), "
# An installation order whose due-date or progress-report warning has started (§7.3 step 5; webapp/installations).
PROVISIONING_WARNING = ("(o.order_type = 'installation' AND EXISTS (SELECT 1 FROM order_clocks c WHERE c.order_id = o.id"
                        " AND c.policy_code IN ('installation_due', 'installation_progress') AND c.stopped_at IS NULL"
                        " AND c.warn_at <= ?))")


def queue(db, filters, now, limit=PAGE_SIZE):
    """Return (rows, total) of orders matching the console's filters, earliest deadline first.

    The "attention" view is what a dispatcher must act on: unassigned or sent back, or with
    a deadline inside the next hour (or already passed). There, an unassigned urgent or high
    order comes first: only the dispatcher can move it, whatever the technicians' deadlines.
    rows: dicts of the order's columns the queue shows (see _queue.html); total: every match.
    """
    where, params = [], []
    view = filters.get("view") or "attention"
    if view == "open":
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
    if filters.get("overdue"):
        where.append(f"o.state IN ({','.join('?' * len(OPEN_STATES))}) AND {OVERDUE}")
        params.extend([*sorted(OPEN_STATES), to_text(now)])
    order = f"{URGENT_UNASSIGNED_FIRST if view == 'attention' else ''}o.next_due_at IS NULL, o.next_due_at, o.id"
    if view == "attention":
        parts = [(" AND ".join([part, *where]), [*part_params, *params]) for part, part_params in attention_parts(now)]
        # Each part's own first page, then the first page of those: the page of the whole, since
        # the parts do not overlap; the total is the parts' counts added. Each part is read from an
        # index (unassigned: state, priority, due; due soon: state, due; provisioning: the running
        # installation clocks), where one pass over every open order with the whole condition cost
        # 12 ms of CPU at 20,000 open orders, and as much again for the count (docs/scaling.md).
        # Only the first part holds unassigned orders: in the others the urgent-first term is the
        # same for every row, and leaving it out lets their page come from the (state, due) index.
        # The due-soon part goes state by state: each state's page then comes in deadline order
        # straight from the (state, due) index, however many orders are due (in a city where most
        # orders are overdue, sorting them all for one page cost 5 ms).
        # Each part's page carries its sort key (urgent-first term, deadline, id) read from the
        # index, so the pages are merged without reading their rows.
        soon = to_text(now + AT_RISK_WITHIN)
        urgent = URGENT_UNASSIGNED_FIRST.rstrip(", ")
        pages = [(urgent, f"{parts[0][0]} ORDER BY {order}", parts[0][1])]
        pages += [("1", f"o.state = ? AND o.next_due_at <= ?{''.join(' AND ' + w for w in where)} ORDER BY o.next_due_at, o.id",
                   [state, soon, *params]) for state in sorted(OPEN_STATES - {"created", "rejected"})]
        pages += [("1", f"{parts[2][0]} ORDER BY o.next_due_at IS NULL, o.next_due_at, o.id", parts[2][1])]
        page = " UNION ALL ".join(f"SELECT * FROM (SELECT o.id, {first} AS first, o.next_due_at AS due FROM orders o"
                                  f" WHERE {clause} LIMIT ?)" for first, clause, _ in pages)
        page_params = [value for _, _, page_params in pages for value in (*page_params, limit)]
        page = f"SELECT id FROM ({page}) ORDER BY first, due IS NULL, due, id LIMIT ?"
        page_params.append(limit)
        count = " + ".join(f"(SELECT COUNT(*) FROM orders o WHERE {clause})" for clause, _ in parts)
        count_params = [value for _, part_params in parts for value in part_params]
    else:
        clause = " AND ".join(where) or "1"
        page, page_params = f"SELECT o.id FROM orders o WHERE {clause} ORDER BY {order} LIMIT ?", [*params, limit]
        count, count_params = f"(SELECT COUNT(*) FROM orders o WHERE {clause})", params
    # The page's ids first, from an index alone; only those rows are then read in full. Sorting
    # every matching row with all its columns cost 20–60 ms on a city of 20,000 open orders
    # (bench/bench_dispatch.py).
    rows = list(db.query(
        f"WITH page AS MATERIALIZED ({page})"
        " SELECT o.id, o.order_no, o.order_type, o.access_type, o.priority, o.state, o.customer_name, o.district,"
        " o.community, o.building, o.next_due_at, o.next_due_policy, o.breached, o.technician_id,"
        " o.appointment_start, u.display_name AS technician_name,"
        " EXISTS (SELECT 1 FROM group_fault_links l WHERE l.order_id = o.id AND l.released_at IS NULL"
        f" AND l.kind = 'intercepted') AS held_by_group_fault, {PROVISIONING_WARNING} AS provisioning_warning"
        " FROM page JOIN orders o ON o.id = page.id LEFT JOIN users u ON u.id = o.technician_id"
        f" ORDER BY {order}", [*page_params, to_text(now)]))
    total = db.execute(f"SELECT {count}", count_params).fetchone()[0]
    return rows, total


def attention_parts(now):
    """The "attention" view as three conditions that never overlap: [(SQL on orders o, params)].

    Their union is exactly "open, and unassigned or sent back, or due within the hour (or past),
    or with an installation's provisioning warning started": unassigned or sent back; else due
    within the hour; else (not due within the hour, or no deadline) a provisioning warning.
    """
    others = sorted(OPEN_STATES - {"created", "rejected"})
    marks = ",".join("?" * len(others))
    soon = to_text(now + AT_RISK_WITHIN)
    return [("o.state IN ('created', 'rejected')", []),
            (f"o.state IN ({marks}) AND o.next_due_at <= ?", [*others, soon]),
            (f"o.state IN ({marks}) AND (o.next_due_at IS NULL OR o.next_due_at > ?) AND o.order_type = 'installation'"
             " AND o.id IN (SELECT c.order_id FROM order_clocks c WHERE c.policy_code IN ('installation_due',"
             " 'installation_progress') AND c.stopped_at IS NULL AND c.warn_at <= ?)", [*others, soon, to_text(now)])]


def technician_load(db, district="", search="", after=None, limit=TECHNICIAN_PAGE):
    """Return one page of active technicians, least loaded first: {rows, total, next_after}.

    rows: dicts with id, username, display_name, district, skills, phone and load (orders held
    in an active state). Keyset paging on (load, display_name, id): `after` is the id of the
    last technician of the previous page, and `next_after` the id to ask for the next one
    (None on the last page); `limit=None` gives every one. `search` matches a part of the name or login. A city has
    thousands of technicians; listing them all made the console a 700 KB page.
    """
    where, params = ["u.role = 'technician'", "u.active = 1"], []
    if district:
        where.append("u.district = ?")
        params.append(district)
    if search:
        where.append("(u.display_name LIKE ? ESCAPE '\\' OR u.username LIKE ? ESCAPE '\\')")
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [pattern, pattern]
    total = db.execute(f"SELECT COUNT(*) FROM users u WHERE {' AND '.join(where)}", params).fetchone()[0]
    # Loads kept by trigger (migration "the dispatcher console under load"): counting every
    # technician's active orders at each load cost 4-6 ms of CPU at 20,000 open orders.
    loaded = ("SELECT u.id, u.username, u.display_name, u.district, u.skills, u.phone, COALESCE(l.load, 0) AS load"
              f" FROM users u LEFT JOIN technician_loads l ON l.technician_id = u.id WHERE {' AND '.join(where)}")
    keyset, keyset_params = "1", []
    if after is not None:
        # After that technician; from the start when they are no longer in the list (deactivated, another search).
        keyset = ("(NOT EXISTS (SELECT 1 FROM loaded WHERE id = ?) OR"
                  " (load, display_name, id) > (SELECT load, display_name, id FROM loaded WHERE id = ?))")
        keyset_params = [after, after]
    rows = list(db.query(f"WITH loaded AS MATERIALIZED ({loaded}) SELECT * FROM loaded WHERE {keyset}"
                         " ORDER BY load, display_name, id LIMIT ?",
                         [*params, *keyset_params, -1 if limit is None else limit + 1]))
    if limit is None:
        return {"rows": rows, "total": total, "next_after": None}
    next_after = rows[limit - 1]["id"] if len(rows) > limit else None
    return {"rows": rows[:limit], "total": total, "next_after": next_after}


def technician(db, technician_id):
    """Return one active technician as technician_load's rows are, or None."""
    placeholders = ",".join("?" * len(ACTIVE_STATES))
    rows = list(db.query(
        "SELECT u.id, u.username, u.display_name, u.district, u.skills, u.phone,"
        f" (SELECT COUNT(*) FROM orders o WHERE o.technician_id = u.id AND o.state IN ({placeholders})) AS load"
        " FROM users u WHERE u.id = ? AND u.role = 'technician' AND u.active = 1", [*ACTIVE_STATES, technician_id]))
    return rows[0] if rows else None


def counts(db, now):
    """Headline figures for the console: unassigned, at risk, breached and open.

    Returns {unassigned, at_risk, overdue, open}: counts of open orders, each read from the
    (state, next_due_at) index; one pass over every open order's row cost 7 ms at 20,000.
    """
    soon = to_text(now + AT_RISK_WITHIN)
    stamp = to_text(now)
    open_states = sorted(OPEN_STATES)
    running = sorted(OPEN_STATES - {"suspended"})  # a suspended order's clocks are paused: never at risk or overdue
    marks, running_marks = ",".join("?" * len(open_states)), ",".join("?" * len(running))
    row = db.execute(
        "SELECT (SELECT COUNT(*) FROM orders o WHERE o.state IN ('created', 'rejected')),"
        f" (SELECT COUNT(*) FROM orders o WHERE o.state IN ({running_marks}) AND o.next_due_at > ? AND o.next_due_at <= ?),"
        f" (SELECT COUNT(*) FROM orders o WHERE o.state IN ({running_marks}) AND o.next_due_at <= ?),"
        f" (SELECT COUNT(*) FROM orders o WHERE o.state IN ({marks}))",
        [*running, stamp, soon, *running, stamp, *open_states]).fetchone()
    return {"unassigned": row[0], "at_risk": row[1], "overdue": row[2], "open": row[3]}
