"""Enterprise orders in the database: what the order page shows, and the fault report."""
import datetime

from ..db import insert, one, transaction
from ..orders.lifecycle import N_, Refused
from ..orders.store import get_order, record_event
from ..sla import engine
from ..timeutil import from_text, to_text
from . import rules

CLUSTER_LOOKBACK = datetime.timedelta(hours=12)


def ordinary_reports(db, order, now):
    """(customer, reported_at) of ordinary group customers reporting the same service in the same district recently."""
    since = to_text(min(from_text(order["created_at"]), now) - CLUSTER_LOOKBACK)
    return [(r["customer_name"], from_text(r["created_at"])) for r in db.query(
        "SELECT customer_name, created_at FROM orders WHERE enterprise_service = ? AND district = ?"
        " AND customer_grade = 'ordinary' AND created_at >= ? AND state != 'cancelled'",
        [order["enterprise_service"], order["district"], since])]


def summary(db, order, now):
    """The enterprise card: the line, its SLA row, the serious-fault judgement and the fault report (None if not enterprise)."""
    if order["access_type"] != "enterprise":
        return None
    started = from_text(order["created_at"])
    limit = rules.serious_after(order["enterprise_service"], order["customer_grade"], order["line_scope"])
    cluster_start = rules.ordinary_cluster_start(ordinary_reports(db, order, now)) \
        if order["customer_grade"] == "ordinary" else None
    serious_at = None
    if limit is not None:
        serious_at = started + limit
    elif cluster_start is not None:
        serious_at = cluster_start + rules.SERIOUS_AFTER
    return {
        "sla": one(db, "SELECT * FROM enterprise_sla WHERE code = ?", [order["service_level"] or ""]),
        "important": rules.is_important(order["customer_grade"], order["line_scope"]),
        "limit_minutes": int(limit.total_seconds() // 60) if limit else None,
        "cluster_start": to_text(cluster_start) if cluster_start else None,
        "serious_at": to_text(serious_at) if serious_at else None,
        "serious": serious_at is not None and now > serious_at,
        "participants": list(db.query("SELECT * FROM enterprise_participants WHERE order_id = ? ORDER BY role, id", [order["id"]])),
        "loop_tests": list(db.query("SELECT * FROM enterprise_loop_tests WHERE order_id = ? ORDER BY tested_at, id", [order["id"]])),
        "reports": list(db.query("SELECT r.*, u.display_name AS author FROM enterprise_fault_reports r LEFT JOIN users u"
                                 " ON u.id = r.filed_by WHERE r.order_id = ? ORDER BY r.filed_at", [order["id"]])),
    }


def file_report(db, order_id, user, report, now, tz):
    """File the fault report (§7.4 #10: within 2 working days, its clock stops); report has cause, process, participants."""
    with transaction(db):
        order = get_order(db, order_id, user)
        if order["access_type"] != "enterprise":
            raise Refused(N_("Only an enterprise order has a fault report."))
        insert(db, "enterprise_fault_reports", {**report, "order_id": order_id, "filed_by": user.id, "filed_at": to_text(now)})
        record_event(db, order_id, user.id, "fault_report", order["state"], order["state"], now, details=report,
                     version=order["version"])
        engine.on_action(db, order, "fault_report", now, tz)


PARTICIPANT_ROLES = ("duty", "outsourced", "helper", "leader", "customer")


def add_participant(db, order_id, user, role, name, phone, now):
    """Record who took part in an enterprise fault (§7.4 #8: duty, outsourced, helpers, leaders informed, customer staff)."""
    with transaction(db):
        record_participant(db, get_order(db, order_id, user), user, role, name, phone, now)


def record_participant(db, order, user, role, name, phone, now, uid=None, evidence=None):
    """Insert a participant inside the caller's transaction (the desk's form, or the phone's order.add_participant)."""
    if order["access_type"] != "enterprise":
        raise Refused(N_("Only an enterprise order has participants and loop tests."))
    insert(db, "enterprise_participants", {"order_id": order["id"], "role": role, "name": name, "phone": phone,
                                           "added_by": user.id, "added_at": to_text(now), "uid": uid})
    record_event(db, order["id"], user.id, "participant", order["state"], order["state"], now,
                 details={"role": role, "name": name, **(evidence or {})}, version=order["version"])


def add_loop_test(db, order_id, user, loop_point, result, tested_at, note, now):
    """Append a loop test (打环) to the ticket: where the loop was, passed or failed, when (§9.5 item 29)."""
    with transaction(db):
        record_loop_test(db, get_order(db, order_id, user), user, loop_point, result, tested_at, note, now)


def record_loop_test(db, order, user, loop_point, result, tested_at, note, now, uid=None, evidence=None):
    """Insert a loop test inside the caller's transaction (Refused when it cannot be).

    `tested_at` is an aware datetime typed to the minute. Refused: in the future (beyond 5 minutes of clock
    skew), or before the order was created (its minute): a loop test belongs to this fault (§7.4 #8), so a 1970
    date is a slip, not a record.
    """
    if order["access_type"] != "enterprise":
        raise Refused(N_("Only an enterprise order has participants and loop tests."))
    if tested_at > now + datetime.timedelta(minutes=5):
        raise Refused(N_("A loop test cannot be in the future."))
    created = from_text(order["created_at"])
    if tested_at < created.replace(second=0, microsecond=0):
        raise Refused(N_("A loop test cannot be before the order was created (%(created)s)."),
                      created=created.astimezone(tested_at.tzinfo).strftime("%Y-%m-%d %H:%M"))
    insert(db, "enterprise_loop_tests", {"order_id": order["id"], "loop_point": loop_point, "result": result,
                                         "tested_at": to_text(tested_at), "note": note, "added_by": user.id,
                                         "added_at": to_text(now), "uid": uid})
    record_event(db, order["id"], user.id, "loop_test", order["state"], order["state"], now,
                 details={"loop_point": loop_point, "result": result, "tested_at": to_text(tested_at), **(evidence or {})},
                 version=order["version"])
