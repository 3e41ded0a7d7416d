"""SLA clocks stored on the order: started, stopped and re-armed by order actions; swept for warnings and breaches.

Every function here runs inside the caller's transaction (plain SQL only).
"""
import datetime
import functools
import json
import pathlib

from ..db import insert, one
from ..timeutil import from_text, to_text
from .clock import WorkCalendar, due_at

POLICY_FILE = pathlib.Path(__file__).with_name("policies.json")
_JSON_COLUMNS = ("order_types", "access_types", "start_on", "stop_on", "rearm_on")


def seed_policies(db, years):
    """Load the seed policies and statutory holidays for `years` (only rows not there yet)."""
    data = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    for policy in data["policies"]:
        row = {key: json.dumps(policy.get(key, [])) if key in _JSON_COLUMNS else value
               for key, value in policy.items()}
        row.setdefault("rearm_on", "[]")
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        db.conn.execute(f"INSERT OR IGNORE INTO sla_policies ({columns}) VALUES ({marks})",
                        list(row.values()))
    for year in years:
        for holiday in data["holidays"]:
            db.conn.execute("INSERT OR IGNORE INTO holidays (day, name, kind) VALUES (?, ?, 'holiday')",
                            [f"{year}-{holiday['month_day']}", holiday["name"]])


@functools.lru_cache(maxsize=256)
def _decoded(text):
    """A policy's JSON list as a tuple (policies are read on every action; the lists rarely change)."""
    return tuple(json.loads(text))


def load_policies(db):
    """Return the active policies with their JSON lists decoded."""
    cursor = db.conn.execute("SELECT * FROM sla_policies WHERE active = 1 ORDER BY code")
    names = [column[0] for column in cursor.description]
    policies = []
    for values in cursor:
        row = dict(zip(names, values))
        for key in _JSON_COLUMNS:
            row[key] = _decoded(row[key])
        policies.append(row)
    return policies


def load_calendar(db):
    """Build the working-day calendar from the holidays table."""
    holidays, workdays = set(), set()
    for row in db.query("SELECT day, kind FROM holidays"):
        day = datetime.date.fromisoformat(row["day"])
        (holidays if row["kind"] == "holiday" else workdays).add(day)
    return WorkCalendar(frozenset(holidays), frozenset(workdays))


def applies(policy, order):
    """Say whether a policy watches this order."""
    return order["order_type"] in policy["order_types"] and order["access_type"] in policy["access_types"]


# An enterprise order's service level names a row of the per-customer / per-service SLA table
# (webapp/enterprise, seeded with the Dongli limits): its numbers replace these policies' amounts.
ENTERPRISE_AMOUNTS = {
    "enterprise_sign": "sign_minutes", "enterprise_contact": "contact_minutes", "enterprise_progress": "progress_minutes",
    "enterprise_escalation_120": "escalate_director_minutes", "enterprise_escalation_180": "escalate_vp_minutes",
    "enterprise_fault_report": "report_working_days",
}


def _with_service_level(db, policies, order):
    level = order.get("service_level") if order.get("access_type") == "enterprise" else None
    row = level and one(db, "SELECT * FROM enterprise_sla WHERE code = ?", [level])
    if not row:
        return policies
    return [{**p, "amount": row[ENTERPRISE_AMOUNTS[p["code"]]]} if p["code"] in ENTERPRISE_AMOUNTS else p for p in policies]


def on_action(db, order, action, at, tz):
    """Start, stop or re-arm the order's clocks for an action that just happened at `at`.

    An enterprise order with a service level runs on its SLA table row's limits (ENTERPRISE_AMOUNTS).
    """
    policies = _with_service_level(db, [p for p in load_policies(db) if applies(p, order)], order)
    calendar = None
    for policy in policies:
        clock = one(db, "SELECT * FROM order_clocks WHERE order_id = ? AND policy_code = ?",
                    [order["id"], policy["code"]])
        if action in policy["start_on"] or (action in policy["rearm_on"] and clock and not clock["stopped_at"]):
            if policy["kind"] == "working_days" and calendar is None:
                calendar = load_calendar(db)
            _start_clock(db, order["id"], policy, at, tz, calendar, clock)
        elif action in policy["stop_on"] and clock and not clock["stopped_at"]:
            db.conn.execute("UPDATE order_clocks SET stopped_at = ? WHERE id = ?", [to_text(at), clock["id"]])
            if clock["breached_at"] and at <= from_text(clock["due_at"]):
                _withdraw_breach(db, order["id"], clock["id"])
    refresh_next_due(db, order["id"])


def _withdraw_breach(db, order_id, clock_id):
    """A step done in time on a phone without signal reached the server after the sweep called
    the deadline missed: the clock was met, so the breach goes (the notice sent stays as sent)."""
    db.conn.execute("UPDATE order_clocks SET breached_at = NULL WHERE id = ?", [clock_id])
    db.conn.execute("UPDATE orders SET breached = EXISTS (SELECT 1 FROM order_clocks WHERE order_id = ?"
                    " AND breached_at IS NOT NULL) WHERE id = ?", [order_id, order_id])


def _start_clock(db, order_id, policy, at, tz, calendar, existing):
    due = due_at(policy["kind"], policy["amount"], at, tz, calendar or WorkCalendar())
    warn = due - datetime.timedelta(minutes=policy["warn_minutes"])
    # The amount (an enterprise row's own, when it has one) is kept on the clock: a later policy edit applies
    # to clocks started from then on only, and a holiday calendar saved later recomputes with this amount.
    values = [to_text(at), to_text(due), to_text(warn), policy["amount"], policy["warn_minutes"]]
    if existing:
        db.conn.execute(
            "UPDATE order_clocks SET started_at = ?, due_at = ?, warn_at = ?, amount = ?, warn_minutes = ?,"
            " stopped_at = NULL, warned_at = NULL, breached_at = NULL WHERE id = ?", [*values, existing["id"]])
    else:
        db.conn.execute(
            "INSERT INTO order_clocks (order_id, policy_code, started_at, due_at, warn_at, amount, warn_minutes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", [order_id, policy["code"], *values])


def stop_all(db, order_id, at):
    """Stop every running clock of an order that needs no more work (a cancelled duplicate)."""
    db.conn.execute("UPDATE order_clocks SET stopped_at = ? WHERE order_id = ? AND stopped_at IS NULL",
                    [to_text(at), order_id])
    refresh_next_due(db, order_id)


def shift_open_clocks(db, order_id, paused):
    """Push every running clock of an order back by the time it was suspended."""
    for clock in db.query("SELECT * FROM order_clocks WHERE order_id = ? AND stopped_at IS NULL", [order_id]):
        db.conn.execute(
            "UPDATE order_clocks SET due_at = ?, warn_at = ? WHERE id = ?",
            [to_text(from_text(clock["due_at"]) + paused), to_text(from_text(clock["warn_at"]) + paused),
             clock["id"]])
    refresh_next_due(db, order_id)


def refresh_next_due(db, order_id):
    """Store the earliest running deadline on the order, for the queue's sort and filters."""
    row = one(db, "SELECT policy_code, due_at FROM order_clocks WHERE order_id = ? AND stopped_at IS NULL"
                  " ORDER BY due_at LIMIT 1", [order_id])
    # Only when it changed: a write here logs the order as changed, and every phone holding it pulls it again.
    due, policy = row and row["due_at"], row and row["policy_code"]
    db.conn.execute("UPDATE orders SET next_due_at = ?, next_due_policy = ? WHERE id = ?"
                    " AND (next_due_at IS NOT ? OR next_due_policy IS NOT ?)", [due, policy, order_id, due, policy])


def sweep(db, now):
    """Raise warnings and breaches whose time has come; return (warnings, breaches) counts.

    Suspended orders are skipped: their clocks are paused and will be shifted on resume.
    """
    stamp = to_text(now)
    policies = {p["code"]: p for p in load_policies(db)}
    due_warnings = list(db.query(
        "SELECT c.id, c.order_id, c.policy_code, o.technician_id FROM order_clocks c JOIN orders o ON o.id = c.order_id"
        " WHERE c.stopped_at IS NULL AND c.warned_at IS NULL AND c.warn_at <= ? AND o.state != 'suspended'", [stamp]))
    for clock in due_warnings:
        db.conn.execute("UPDATE order_clocks SET warned_at = ? WHERE id = ?", [stamp, clock["id"]])
        _notify(db, clock, "warning", "dispatcher", "", stamp)
        if clock["technician_id"]:
            _notify(db, clock, "warning", "technician", "", stamp, user_id=clock["technician_id"])
    due_breaches = list(db.query(
        "SELECT c.id, c.order_id, c.policy_code, c.due_at, o.technician_id, o.district, u.company FROM order_clocks c"
        " JOIN orders o ON o.id = c.order_id LEFT JOIN users u ON u.id = o.technician_id"
        " WHERE c.stopped_at IS NULL AND c.breached_at IS NULL AND c.due_at <= ? AND o.state != 'suspended'", [stamp]))
    for clock in due_breaches:
        policy = policies.get(clock["policy_code"])
        if policy and not policy["escalate_role"]:
            continue  # a warning-only clock (the circuit warning, policies.json): its order's due-date clock breaches
        db.conn.execute("UPDATE order_clocks SET breached_at = ? WHERE id = ?", [stamp, clock["id"]])
        # Kept as it was at the breach (who held the order, where, for which company): KPI reports read this.
        db.conn.execute("INSERT INTO sla_breaches (order_id, policy_code, due_at, breached_at, district, technician_id, company)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)", [clock["order_id"], clock["policy_code"], clock["due_at"], stamp,
                                                          clock["district"], clock["technician_id"], clock["company"] or ""])
        db.conn.execute("UPDATE orders SET breached = 1 WHERE id = ?", [clock["order_id"]])
        if policy:
            _notify(db, clock, "breach", policy["escalate_role"], policy["escalate_title"], stamp)
    from ..groupfaults import timers as group_fault_timers
    group_fault_timers.sweep(db, now)  # the group faults' own deadlines (§9.3 item 24) run on the same sweep
    return len(due_warnings), len(due_breaches)


def _notify(db, clock, kind, role, title, stamp, user_id=None):
    insert(db, "notices", {"order_id": clock["order_id"], "policy_code": clock["policy_code"], "kind": kind,
                           "role": role, "user_id": user_id, "title": title, "created_at": stamp})
