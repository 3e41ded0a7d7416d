"""Installation orders in the database: the due-date clock, extension requests, and what the order page shows."""
from ..db import insert, transaction
from ..orders.lifecycle import OPEN_STATES, N_, Refused
from ..orders.store import get_order, record_event
from ..sla import engine
from ..sla.clock import working_days_before
from ..timeutil import from_text, to_text
from . import rules

DUE_POLICY = "installation_due"
PROGRESS_POLICY = "installation_progress"


def _set_clock(db, order_id, code, started, due, warn):
    db.conn.execute(
        "INSERT INTO order_clocks (order_id, policy_code, started_at, due_at, warn_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (order_id, policy_code) DO UPDATE SET started_at = excluded.started_at, due_at = excluded.due_at,"
        " warn_at = excluded.warn_at, stopped_at = NULL, warned_at = NULL, breached_at = NULL",
        [order_id, code, to_text(started), to_text(due), to_text(warn)])


def arm_due_clock(db, order_id, due, urgent, now, circuit):
    """Start (or move) the order's clocks from its required completion time `due` (aware datetime).

    "installation_due": due at `due`, warning 1 week before (3 days if urgent) — seed 003 line 305.
    "installation_progress", the circuit warning (电路预警), only when `circuit` (an enterprise line): warns 10
    working days before `due` (seed 003 line 311, §7.3 step 5); an urgent order with less than that left warns
    at once (straight to the pool). It is warning-only: the due-date clock carries the breach. A home FTTH/FTTB
    installation has no circuit: §7.3 is the enterprise in-sales method, its 电路预警 column is for circuits.
    """
    _set_clock(db, order_id, DUE_POLICY, now, due, rules.warn_at(due, urgent))
    if circuit:
        pool_at = working_days_before(due, rules.CIRCUIT_WARNING_WORKING_DAYS, due.tzinfo, engine.load_calendar(db))
        _set_clock(db, order_id, PROGRESS_POLICY, now, due, max(pool_at, now))
    engine.refresh_next_due(db, order_id)


def rearm(db, order, now):
    """After the desk or another system changed an installation's priority or access type (`order`: the row
    as it is now): the due-date warning moves (1 week, or 3 days when urgent) and the circuit warning is
    set up for an enterprise line or dropped for a home one, as when the order was made (review r2)."""
    if order["order_type"] != "installation" or not order["due_at"]:
        return
    circuit = has_circuit(order)
    if not circuit:
        db.conn.execute("DELETE FROM order_clocks WHERE order_id = ? AND policy_code = ? AND stopped_at IS NULL",
                        [order["id"], PROGRESS_POLICY])
    arm_due_clock(db, order["id"], from_text(order["due_at"]), order["priority"] == "urgent", now, circuit)


def has_circuit(order):
    """Say whether an order is a circuit the circuit warning watches: an enterprise line (§7.3, §7.4)."""
    return order["access_type"] == "enterprise"


def on_new_order(db, order_id, row, now):
    """Arm the due-date clock of a new installation order that has a due date (inside the caller's transaction)."""
    if row["order_type"] == "installation" and row.get("due_at"):
        arm_due_clock(db, order_id, from_text(row["due_at"]), row["priority"] == "urgent", now, has_circuit(row))


def file_extension(db, order_id, user, new_due, cause, reason, now):
    """Record an extension request and move the due date; return how it is judged (None, "late", "not_customer").

    Raises Refused when the order is not an open installation order with a due date, or the new date is
    not later than the current one. A late or non-customer extension is still recorded and moves the date
    (the work goes on) but counts as a timeout (§7.4).
    """
    with transaction(db):
        order = get_order(db, order_id, user)
        if order["order_type"] != "installation" or not order["due_at"]:
            raise Refused(N_("Only an installation order with a due date can be extended."))
        if order["state"] not in OPEN_STATES:
            raise Refused(N_("This order is finished; it cannot be extended."))
        previous = from_text(order["due_at"])
        if new_due <= previous or new_due <= now:
            raise Refused(N_("The new due date must be later than the current one and in the future."))
        extension = rules.Extension(now, previous, new_due, cause)
        insert(db, "installation_extensions", {
            "order_id": order_id, "requested_at": to_text(now), "previous_due_at": order["due_at"],
            "new_due_at": to_text(new_due), "cause": cause, "reason": reason, "requested_by": user.id})
        db.conn.execute("UPDATE orders SET due_at = ? WHERE id = ?", [to_text(new_due), order_id])
        arm_due_clock(db, order_id, new_due, order["priority"] == "urgent", now, has_circuit(order))
        judged = rules.judge_extension(extension)
        record_event(db, order_id, user.id, "extension", order["state"], order["state"], now, reason=reason,
                     details={"previous_due_at": order["due_at"], "new_due_at": to_text(new_due), "cause": cause,
                              "counts_as_timeout": judged}, version=order["version"])
        return judged


def summary(db, order, now):
    """What the order page shows: due time, warnings on now, extensions with their judgement, timeouts."""
    if order["order_type"] != "installation":
        return None
    due = from_text(order["due_at"])
    clocks = {c["policy_code"]: c for c in db.query(
        "SELECT * FROM order_clocks WHERE order_id = ? AND policy_code IN (?, ?)", [order["id"], DUE_POLICY, PROGRESS_POLICY])}
    extensions = [rules.Extension(from_text(e["requested_at"]), from_text(e["previous_due_at"]),
                                  from_text(e["new_due_at"]), e["cause"]) for e in
                  db.query("SELECT * FROM installation_extensions WHERE order_id = ? ORDER BY requested_at, id", [order["id"]])]
    due_clock = clocks.get(DUE_POLICY)
    progress = clocks.get(PROGRESS_POLICY) if has_circuit(order) else None
    completed = from_text(due_clock["stopped_at"]) if due_clock else None
    running = due is not None and completed is None
    return {
        "due_at": order["due_at"], "urgent": order["priority"] == "urgent",
        "warn_at": to_text(rules.warn_at(due, order["priority"] == "urgent")) if due else None,
        "due_warning": running and rules.warning_due(due, order["priority"] == "urgent", now),
        "overdue": running and now > due,
        "circuit_warning_at": progress["warn_at"] if progress and not progress["stopped_at"] else None,
        "circuit_warning": bool(progress and not progress["stopped_at"] and from_text(progress["warn_at"]) <= now),
        "extensions": [(e, rules.judge_extension(e)) for e in extensions],
        "timeouts": rules.count_timeouts(extensions, due, completed, now),
    }
