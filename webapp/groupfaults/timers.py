"""Group-fault timers (domain reference §5.2–§5.3, §9.3 item 24; seed 000), kept as deadlines like SLA clocks.

- notify_company: the class's outsourced company is told within 15 minutes of the alarm;
- desk_review: until publication the desk reviews the fault every 15 minutes;
- follow_up: after publication the desk checks progress every 30 minutes;
- cancel_interception: after recovery the interception is cancelled within 10 minutes;
- validity: at the end of the validity period the fault expires by itself.

A clock runs from `started_at` to `due_at`; the sweep marks it breached once due (and expires
the fault for `validity`). Recording the follow-up or the review starts the next round. Every
function runs inside the caller's transaction; no Flask.
"""
from ..db import one
from ..timeutil import from_text, to_text
from . import rules

REPEATING = ("desk_review", "follow_up")


def start(db, fault_id, kind, now, due_at=None):
    """Start (or restart) one clock of a fault, due after its rule's minutes or at `due_at`."""
    stop(db, fault_id, kind, now)
    due = due_at or rules.due(kind, now)
    db.conn.execute("INSERT INTO group_fault_clocks (fault_id, kind, started_at, due_at) VALUES (?, ?, ?, ?)",
                    [fault_id, kind, to_text(now), to_text(due)])


def stop(db, fault_id, kind, now):
    """Stop the running clock of this kind, if any (met when not yet breached)."""
    db.conn.execute("UPDATE group_fault_clocks SET stopped_at = ? WHERE fault_id = ? AND kind = ? AND stopped_at IS NULL",
                    [to_text(now), fault_id, kind])


def stop_all(db, fault_id, now):
    """Stop every running clock of a fault (it has ended)."""
    db.conn.execute("UPDATE group_fault_clocks SET stopped_at = ? WHERE fault_id = ? AND stopped_at IS NULL",
                    [to_text(now), fault_id])


def running(db, fault_id, kind):
    """The running clock of this kind, or None."""
    return one(db, "SELECT * FROM group_fault_clocks WHERE fault_id = ? AND kind = ? AND stopped_at IS NULL",
               [fault_id, kind])


def clocks_of(db, fault_id):
    """Every clock of a fault, running first, then by due time."""
    return list(db.query("SELECT * FROM group_fault_clocks WHERE fault_id = ? ORDER BY stopped_at IS NOT NULL, due_at, id",
                         [fault_id]))


def sweep(db, now):
    """Mark every clock whose time has come; expire faults whose validity ended.

    Called by the SLA sweep (`webapp.sla.engine.sweep`), so it runs wherever that runs (cron,
    the periodic job). Returns {"breached": n, "expired": n}.
    """
    from . import registry
    stamp = to_text(now)
    due = list(db.query("SELECT * FROM group_fault_clocks WHERE stopped_at IS NULL AND breached_at IS NULL AND due_at <= ?"
                        " ORDER BY due_at", [stamp]))
    expired = 0
    for clock in due:
        db.conn.execute("UPDATE group_fault_clocks SET breached_at = ? WHERE id = ?", [stamp, clock["id"]])
        if clock["kind"] == "validity":
            fault = one(db, "SELECT * FROM group_faults WHERE id = ?", [clock["fault_id"]])
            if fault and fault["status"] in rules.INTERCEPTING:
                registry.expire(db, fault, from_text(clock["due_at"]), now)
                expired += 1
    return {"breached": len(due) - expired, "expired": expired}


def overdue(db, now, limit=50):
    """Running clocks past their time, with their fault, most overdue first (what the desk must do now)."""
    return list(db.query(
        "SELECT c.*, f.fault_no, f.status FROM group_fault_clocks c JOIN group_faults f ON f.id = c.fault_id"
        " WHERE c.stopped_at IS NULL AND c.due_at <= ? ORDER BY c.due_at LIMIT ?", [to_text(now), limit]))
