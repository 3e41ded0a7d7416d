"""KPI figures the operators are judged on, computed from the orders' audit trail (order_events),
the callbacks and the breaches as recorded — never from an order's current columns — so a report for
a past period does not change when an order is edited today.

Plain Python over SQLite rows; no Flask. Periods are local calendar days [first, last] in `tz`.
Each figure is (met, total) per group; the rules and their sources:

- first_appointment: a dispatch or reassignment in the period is met when the technician's first
  appointment for it comes within 30 minutes (30:00 counts as within) — 004_90cb35396d5b5103.txt,
  domain reference §6.2 item 1. Attributed to the technician it was given to and their company then.
- complaint_same_day: a complaint created in the period is met when it is restored, returned, marked
  unsolved or closed by 23:59:59 local time on the day it was created — 004, §6.2 item 7.
- complaint_acknowledged: a complaint created in the period is met when it is accepted, given an
  appointment or rejected within 24 hours — 004 (telecom complaint regulation), §4.3.
- repeat_complaint: of complaints created in the period, how many are repeats (a reopened order or a
  re-complaint after a callback) — §9.2 #19. Attributed to whoever held the original order. Lower is better.
- callback_coverage: of returned orders in the period needing a callback, how many were called back
  within their window — §6.9 (100 % coverage, call back within the window).
- satisfaction: of callbacks completed in the period, how many were "satisfied" by the rule configured
  when they were made (the full-10 rule by default, ONTRACK_SATISFIED_SCORE) — §4.4, §9.4 #25.
- one_visit_fix: of orders returned in the period, how many were fixed with a single on-site arrival.
- breaches: SLA breaches recorded in the period, per policy, as they were recorded (district,
  technician and company at the breach).

Facts as they were at the time (issue 22: "a report for last month does not change when an order is
edited today"): a case is filed under the district the order had at the case's moment, read back from
the audit trail — each desk correction is an `edit` event whose details hold {field: [before, after]}
(orders/store.py edit_order), so the district at a moment is the "before" of the first later edit that
changed it, else the current one. order_type and is_repeat never change after the order's creating
transaction (EDITABLE_FIELDS leaves order_type out; is_repeat is set when the order is created), and a
callback's exemption is decided when it is booked, so those are read from their rows as they are.
"""
import datetime
import json

from ..timeutil import from_text, to_text

KPIS = ("first_appointment", "complaint_same_day", "complaint_acknowledged", "repeat_complaint",
        "callback_coverage", "satisfaction", "one_visit_fix")
DIMENSIONS = ("district", "technician", "company")
FIRST_APPOINTMENT = datetime.timedelta(minutes=30)
ACKNOWLEDGE = datetime.timedelta(hours=24)
CLEARING = frozenset({"restore", "return", "mark_unsolved", "close", "reply_group_fault"})
ACKNOWLEDGING = frozenset({"accept", "make_appointment", "reject"})
END_OF_DAY = datetime.time(23, 59, 59)
# Only these events' details are decoded: who got an assignment, and what a desk correction changed.
DETAILED = frozenset({"dispatch", "reassign", "edit"})
# Events are read from a little before and after the period, so a dispatch at 23:50 finds its appointment at 00:10.
MARGIN = datetime.timedelta(days=2)


def period_bounds(first, last, tz):
    """UTC datetimes [start, end) of the local days first..last inclusive; raise ValueError when reversed."""
    if last < first:
        raise ValueError("the period ends before it starts")
    start = datetime.datetime.combine(first, datetime.time(0), tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    return start, end


def _events_by_order(db, start, end):
    """Every event of every order that has an event near the period, grouped per order, oldest first."""
    cursor = db.conn.execute(
        "SELECT e.order_id, e.at, e.action, e.actor_id, e.details FROM order_events e"
        " WHERE e.order_id IN (SELECT order_id FROM order_events WHERE at >= ? AND at < ?) ORDER BY e.order_id, e.at, e.id",
        [to_text(start - MARGIN), to_text(end + MARGIN)])
    grouped = {}
    for order_id, at, action, actor_id, details in cursor:
        # Only an assignment's details are read (who got it, their company then): decoding every event's JSON
        # was most of a month's report.
        grouped.setdefault(order_id, []).append({"at": from_text(at), "action": action, "actor_id": actor_id,
                                                 "details": json.loads(details or "{}") if action in DETAILED
                                                 else {}})
    return grouped


def _events_of(db, order_id):
    """One order's events as _events_by_order gives them, oldest first."""
    return [{"at": from_text(r["at"]), "action": r["action"], "actor_id": r["actor_id"],
             "details": json.loads(r["details"] or "{}") if r["action"] in DETAILED else {}}
            for r in db.query("SELECT at, action, actor_id, details FROM order_events WHERE order_id = ? ORDER BY at, id",
                              [order_id])]


def _orders(db, ids):
    rows = {}
    ids = list(ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(f"SELECT id, order_type, district, is_repeat, parent_order_id FROM orders WHERE id IN ({marks})",
                            chunk):
            rows[row["id"]] = row
    return rows


def _holder_at(events, moment):
    """(technician_id, company) of the last dispatch or reassignment at or before `moment`, else (None, '')."""
    holder = (None, "")
    for event in events:
        if event["at"] > moment:
            break
        if event["action"] in ("dispatch", "reassign"):
            holder = (event["details"].get("technician_id"), event["details"].get("company", ""))
    return holder


def district_at(order, events, moment):
    """The order's district at `moment`: the "before" of the first later edit that changed it, else the current one."""
    for event in events:
        if event["at"] > moment and event["action"] == "edit" and "district" in event["details"]:
            return event["details"]["district"][0]
    return order["district"]


def _fact(kpi, district, holder, met):
    return {"kpi": kpi, "district": district or "", "technician": holder[0], "company": holder[1] or "", "met": bool(met)}


def facts(db, start, end, tz):
    """Return one fact per counted case: {kpi, district, technician, company, met}, plus breach rows."""
    by_order = _events_by_order(db, start, end)
    orders = _orders(db, by_order)
    found = []
    for order_id, events in by_order.items():
        order = orders.get(order_id)
        if order is None:
            continue
        found.extend(_order_facts(order, events, start, end, tz, by_order))
    found.extend(_callback_facts(db, start, end, by_order))
    return found


def _order_facts(order, events, start, end, tz, by_order):
    for index, event in enumerate(events):
        inside = start <= event["at"] < end
        if not inside:
            continue
        district = district_at(order, events, event["at"])
        if event["action"] in ("dispatch", "reassign"):
            later = events[index + 1:]
            appointment = None
            for following in later:
                if following["action"] in ("dispatch", "reassign"):
                    break
                if following["action"] == "make_appointment":
                    appointment = following
                    break
            holder = (event["details"].get("technician_id"), event["details"].get("company", ""))
            met = appointment is not None and appointment["at"] - event["at"] <= FIRST_APPOINTMENT
            yield _fact("first_appointment", district, holder, met)
        elif event["action"] == "create" and order["order_type"] == "complaint":
            created = event["at"]
            day_end = datetime.datetime.combine(created.astimezone(tz).date(), END_OF_DAY, tzinfo=tz)
            cleared = next((e for e in events if e["action"] in CLEARING and created <= e["at"]), None)
            yield _fact("complaint_same_day", district, _holder_at(events, day_end),
                        cleared is not None and cleared["at"] <= day_end)
            acknowledged = next((e for e in events if e["action"] in ACKNOWLEDGING and created <= e["at"]), None)
            yield _fact("complaint_acknowledged", district, _holder_at(events, created + ACKNOWLEDGE),
                        acknowledged is not None and acknowledged["at"] - created <= ACKNOWLEDGE)
            parent_events = by_order.get(order["parent_order_id"]) or []
            yield _fact("repeat_complaint", district, _holder_at(parent_events, created) if parent_events else (None, ""),
                        order["is_repeat"])
        elif event["action"] == "return":
            arrivals = sum(1 for e in events[:index] if e["action"] == "arrive")
            yield _fact("one_visit_fix", district, _holder_at(events, event["at"]), arrivals == 1)


def _callback_facts(db, start, end, by_order):
    """Coverage (callbacks booked by returns in the period) and satisfaction (callbacks completed in it)."""
    s, e = to_text(start), to_text(end)
    for row in db.query(
            "SELECT c.order_id, c.status, c.due_at, c.done_at, c.result, c.created_at, c.exempt_reason, o.district"
            " FROM callbacks c JOIN orders o ON o.id = c.order_id"
            " WHERE (c.created_at >= ? AND c.created_at < ?) OR (c.done_at >= ? AND c.done_at < ?)", [s, e, s, e]):
        if row["order_id"] not in by_order:  # an order quiet around the period: its trail is read all the same
            by_order[row["order_id"]] = _events_of(db, row["order_id"])
        events = by_order[row["order_id"]]
        booked = from_text(row["created_at"])
        holder = _holder_at(events, booked)
        if s <= row["created_at"] < e and row["status"] != "exempt":
            yield _fact("callback_coverage", district_at(row, events, booked), holder,
                        row["done_at"] is not None and row["done_at"] <= row["due_at"])
        if row["done_at"] and s <= row["done_at"] < e and row["result"]:
            yield _fact("satisfaction", district_at(row, events, from_text(row["done_at"])), holder,
                        row["result"] == "satisfied")


def breaches(db, start, end):
    """SLA breaches recorded in the period as they were recorded: [{policy_code, district, technician, company}]."""
    return [{"policy_code": r["policy_code"], "district": r["district"], "technician": r["technician_id"],
             "company": r["company"]}
            for r in db.query("SELECT * FROM sla_breaches WHERE breached_at >= ? AND breached_at < ?",
                              [to_text(start), to_text(end)])]


def report(db, first, last, tz):
    """Build the whole report for local days first..last.

    Returns {"first", "last", "totals": {kpi: [met, total]}, "by": {dimension: [{key, figures: {kpi: [met, total]},
    breaches: {policy: n}}]}, "breaches": {policy: n}}. Technicians' keys are user ids ("" when unassigned).
    """
    start, end = period_bounds(first, last, tz)
    found = facts(db, start, end, tz)
    broken = breaches(db, start, end)
    totals = {kpi: [0, 0] for kpi in KPIS}
    by = {dimension: {} for dimension in DIMENSIONS}
    for fact in found:
        totals[fact["kpi"]][0] += fact["met"]
        totals[fact["kpi"]][1] += 1
        for dimension in DIMENSIONS:
            group = _group(by[dimension], fact[dimension])
            group["figures"][fact["kpi"]][0] += fact["met"]
            group["figures"][fact["kpi"]][1] += 1
    policy_totals = {}
    for breach in broken:
        policy_totals[breach["policy_code"]] = policy_totals.get(breach["policy_code"], 0) + 1
        for dimension in DIMENSIONS:
            group = _group(by[dimension], breach[dimension])
            group["breaches"][breach["policy_code"]] = group["breaches"].get(breach["policy_code"], 0) + 1
    return {"first": first.isoformat(), "last": last.isoformat(), "totals": totals, "breaches": policy_totals,
            "by": {dimension: sorted(groups.values(), key=lambda g: str(g["key"])) for dimension, groups in by.items()}}


def _group(groups, key):
    key = "" if key is None else key
    if key not in groups:
        groups[key] = {"key": key, "figures": {kpi: [0, 0] for kpi in KPIS}, "breaches": {}}
    return groups[key]


def rate(figure):
    """met/total as a percentage with one decimal, or None when nothing was counted."""
    met, total = figure
    return None if total == 0 else round(100.0 * met / total, 1)
