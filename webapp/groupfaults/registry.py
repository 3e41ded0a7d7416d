"""The group-fault registry and its workflow (domain reference §5.2–§5.4, §9.3 items 21–22).

alarm → raised (the group-fault order: automatic above 50 users, else raised by the desk) →
accepted (确认受理) → published (announcement with cause, wording and validity; interception on)
→ recovered → cancelled (interception off within 10 minutes; linked orders closed or released).
A published fault whose validity ends becomes expired by itself.

Every function runs inside the caller's transaction and raises Refused (a message for a person)
when the step is not allowed. No Flask here.
"""
import datetime
import json

from ..db import insert, one
from ..orders.lifecycle import N_, Refused
from ..timeutil import from_text, to_text
from . import interception, mapping, rules, timers

ALARM_FIELDS = ("alarm_ref", "alarm_class", "alarm_type", "olt", "pon_port", "onu", "district", "community",
                "building", "occurred_at", "services")
ANNOUNCEMENT_FIELDS = ("district", "community", "building", "services", "cause", "wording", "valid_until",
                       "expected_recovery_at", "announcer", "announcer_phone", "department", "city", "announcement")
MANDATORY = ("cause", "wording", "valid_until")  # §5.3 step 3


def get(db, fault_id):
    """One fault as a dict, or None."""
    return one(db, "SELECT * FROM group_faults WHERE id = ?", [fault_id])


def next_fault_no(db, now, tz):
    """Number faults per local day: GF-20261130-0003."""
    prefix = f"GF-{now.astimezone(tz):%Y%m%d}-"
    row = one(db, "SELECT fault_no FROM group_faults WHERE fault_no LIKE ? ORDER BY fault_no DESC LIMIT 1", [prefix + "%"])
    return f"{prefix}{int(row['fault_no'].rsplit('-', 1)[1]) + 1 if row else 1:04d}"


def check_alarm(fields):
    """Check an alarm's class, type and counts; return the cleaned fields or raise Refused."""
    alarm_class, alarm_type = fields.get("alarm_class"), fields.get("alarm_type")
    if alarm_class not in rules.classes():
        raise Refused(N_("Unknown alarm class “%(value)s”: use ONU terminal, transmission line or OLT hardware."),
                      value=alarm_class or "")
    if alarm_type not in rules.types_of(alarm_class):
        raise Refused(N_("Alarm type “%(value)s” does not belong to this alarm class."), value=alarm_type or "")
    if not (fields.get("olt") or fields.get("community")):
        raise Refused(N_("Give the OLT (and PON port) of the alarm, or at least its district and community."))
    if fields.get("onu") and not fields.get("pon_port"):
        raise Refused(N_("An ONU is given with its PON port."))
    services = [s for s in fields.get("services") or [] if s in rules.load()["services"]]
    return {**fields, "services": services or ["personal_broadband"]}


def create_alarm(db, fields, actor_id, now, tz, boundary, source="desk", affected_users=None):
    """Register an alarm and apply the publication rules; return the fault's id.

    `fields` hold ALARM_FIELDS (occurred_at an aware datetime); `affected_users` is the count the
    alarm platform gave, used only when the account mapping has nobody under the alarm (§5.1,
    §5.5). Above the auto-order threshold the fault is raised at once (§5.3 step 1); above the
    class threshold the desk is told to publish and the 15-minute clocks start.
    """
    fields = check_alarm(fields)
    counted = mapping.accounts_under(db, fields["olt"], fields.get("pon_port", ""), fields.get("onu", "")) if fields["olt"] else 0
    affected, counted_from = (counted, "mapping") if counted else (int(affected_users or 0), "alarm")
    place = {name: fields.get(name) or "" for name in ("district", "community", "building")}
    if fields["olt"] and not place["community"]:
        place = mapping.place_under(db, fields["olt"], fields.get("pon_port", ""), fields.get("onu", ""))
    advice = rules.advice(fields["alarm_class"], affected, boundary)
    stamp = to_text(now)
    row = {name: fields.get(name) or "" for name in ("alarm_ref", "alarm_class", "alarm_type", "olt", "pon_port", "onu")}
    row.update(place, fault_no=next_fault_no(db, now, tz), source=source, services=json.dumps(fields["services"]),
               status="raised" if advice["auto_order"] else "alarm", affected_users=affected, affected_source=counted_from,
               suggested=int(advice["suggest"]), auto_order=int(advice["auto_order"]),
               occurred_at=to_text(fields.get("occurred_at") or now), created_by=actor_id, created_at=stamp,
               updated_at=stamp, raised_at=stamp if advice["auto_order"] else None)
    fault_id = insert(db, "group_faults", row)
    event(db, fault_id, actor_id, "alarm", now, {"affected_users": affected, "from": counted_from, "boundary": boundary, **advice})
    if advice["suggest"]:
        timers.start(db, fault_id, "notify_company", now)
        timers.start(db, fault_id, "desk_review", now)
    return fault_id


def event(db, fault_id, actor_id, action, now, details=None):
    """Append one line to a fault's audit trail."""
    insert(db, "group_fault_events", {"fault_id": fault_id, "at": to_text(now), "actor_id": actor_id, "action": action,
                                      "details": json.dumps(details or {}, ensure_ascii=False)})


def _step(db, fault, sources, target, actor_id, now, changes=None, action=None):
    if fault["status"] not in sources:
        raise Refused(N_("A group fault that is “%(status)s” cannot do this now."), status=fault["status"])
    changes = {**(changes or {}), "status": target, "updated_at": to_text(now), "version": fault["version"] + 1}
    sets = ", ".join(f"[{k}] = ?" for k in changes)
    db.conn.execute(f"UPDATE group_faults SET {sets} WHERE id = ?", [*changes.values(), fault["id"]])
    event(db, fault["id"], actor_id, action or target, now)


def raise_fault(db, fault, actor_id, now):
    """Raise an alarm to a group-fault order by hand (ONU class above 10 households, §5.3 [synthesis])."""
    _step(db, fault, ("alarm",), "raised", actor_id, now, {"raised_at": to_text(now)})
    if not timers.running(db, fault["id"], "notify_company") and not fault["company_notified_at"]:
        timers.start(db, fault["id"], "notify_company", now)
    timers.start(db, fault["id"], "desk_review", now)


def accept(db, fault, actor_id, now):
    """Confirm acceptance (确认受理, §5.3 step 2)."""
    _step(db, fault, ("raised",), "accepted", actor_id, now, {"accepted_at": to_text(now)})
    timers.start(db, fault["id"], "desk_review", now)


def save_announcement(db, fault, values, actor_id, now):
    """Save the announcement fields (§5.3 step 3, §5.4); cause, wording and validity are mandatory.

    `values` holds ANNOUNCEMENT_FIELDS; times are aware datetimes, services a list. The
    validity must end in the future and after the expected recovery.
    """
    if fault["status"] not in ("accepted", "published", "recovered"):
        raise Refused(N_("Accept the group fault before writing its announcement."))
    missing = [name for name in MANDATORY if not values.get(name)]
    if missing:
        raise Refused(N_("The announcement needs: %(missing)s."), missing=", ".join(missing))
    if values["valid_until"] <= now:
        raise Refused(N_("The validity period must end in the future."))
    expected = values.get("expected_recovery_at")
    if expected and expected > values["valid_until"]:
        raise Refused(N_("The validity period must last at least until the expected recovery."))
    changes = {name: values.get(name) or "" for name in ANNOUNCEMENT_FIELDS if name in values}
    changes.update(services=json.dumps([s for s in values.get("services") or [] if s in rules.load()["services"]]
                                       or ["personal_broadband"]),
                   valid_until=to_text(values["valid_until"]), expected_recovery_at=to_text(expected) if expected else None,
                   updated_at=to_text(now), version=fault["version"] + 1)
    sets = ", ".join(f"[{k}] = ?" for k in changes)
    db.conn.execute(f"UPDATE group_faults SET {sets} WHERE id = ?", [*changes.values(), fault["id"]])
    event(db, fault["id"], actor_id, "announcement", now)
    if fault["status"] != "accepted":
        timers.start(db, fault["id"], "validity", now, due_at=values["valid_until"])


def publish(db, fault, actor_id, now):
    """Submit the announcement (§5.3 step 4): interception starts; return {intercepted, flagged}."""
    if not all(fault[name] for name in MANDATORY) or not fault["announcement"].strip():
        raise Refused(N_("Save the announcement with its cause, wording and validity period first."))
    if from_text(fault["valid_until"]) <= now:
        raise Refused(N_("The validity period must end in the future."))
    _step(db, fault, ("accepted",), "published", actor_id, now, {"published_at": to_text(now)})
    timers.stop(db, fault["id"], "desk_review", now)
    timers.start(db, fault["id"], "follow_up", now)
    timers.start(db, fault["id"], "validity", now, due_at=from_text(fault["valid_until"]))
    counts = interception.link_area(db, get(db, fault["id"]), now)
    event(db, fault["id"], actor_id, "linked", now, counts)
    return counts


def notify_company(db, fault, contact, actor_id, now):
    """Record that the outsourced company was told (who, when); stops the 15-minute clock."""
    if fault["status"] not in rules.ACTIVE:
        raise Refused(N_("This group fault has ended."))
    db.conn.execute("UPDATE group_faults SET company_notified_at = ?, company_contact = ?, updated_at = ? WHERE id = ?",
                    [to_text(now), contact, to_text(now), fault["id"]])
    timers.stop(db, fault["id"], "notify_company", now)
    event(db, fault["id"], actor_id, "company_notified", now, {"contact": contact})


def record_follow_up(db, fault, note, actor_id, now):
    """Record a progress check after publication (every 30 minutes, §5.3 step 6); starts the next round."""
    if fault["status"] != "published":
        raise Refused(N_("Progress is followed up while the fault is published."))
    timers.start(db, fault["id"], "follow_up", now)
    event(db, fault["id"], actor_id, "follow_up", now, {"note": note})


def record_review(db, fault, note, actor_id, now):
    """Record the desk's review of a fault not yet published (every 15 minutes, §5.3 step 5)."""
    if fault["status"] not in ("alarm", "raised", "accepted"):
        raise Refused(N_("Only a group fault not yet published is reviewed."))
    timers.start(db, fault["id"], "desk_review", now)
    event(db, fault["id"], actor_id, "review", now, {"note": note})


def recover(db, fault, recovered_at, actor_id, now):
    """Record the recovery; the interception must be cancelled within 10 minutes of it (§5.3 step 7)."""
    if recovered_at > now:
        raise Refused(N_("The recovery time cannot be in the future."))
    _step(db, fault, ("published",), "recovered", actor_id, now, {"recovered_at": to_text(recovered_at)})
    timers.stop(db, fault["id"], "follow_up", now)
    timers.start(db, fault["id"], "cancel_interception", recovered_at,
                 due_at=rules.due("cancel_interception", recovered_at))


def cancel(db, fault, user, now, tz, reply, still_down=()):
    """Cancel the interception after recovery: held orders are closed with the reply template, or
    released to dispatch when the customer is still down (`still_down`: order ids); flagged orders
    lose the flag. Returns {"closed": n, "released": n, "unflagged": n}.

    `reply` is the closure reply (§6.4 fields) given to every closed order.
    """
    _step(db, fault, ("recovered",), "cancelled", user.id, now, {"ended_at": to_text(now)})
    timers.stop_all(db, fault["id"], now)
    return _end_links(db, fault, user, now, tz, reply, set(still_down))


def expire(db, fault, at, now):
    """End a fault whose validity period is over (the sweep does it): held orders go back to dispatch."""
    _step(db, fault, rules.INTERCEPTING, "expired", None, now, {"ended_at": to_text(at)})
    timers.stop_all(db, fault["id"], now)
    return _end_links(db, fault, None, now, None, None, None)


def _end_links(db, fault, user, now, tz, reply, still_down):
    from ..orders import store
    counts = {"closed": 0, "released": 0, "unflagged": 0}
    for link in list(db.query("SELECT * FROM group_fault_links WHERE fault_id = ? AND released_at IS NULL", [fault["id"]])):
        order = one(db, "SELECT * FROM orders WHERE id = ?", [link["order_id"]])
        if link["kind"] == "flagged":
            outcome = "unflagged"
        elif reply is not None and link["order_id"] not in still_down and order["state"] in interception.NOT_YET_DISPATCHED:
            outcome = "closed"
        else:
            outcome = "released"
        interception.release(db, link["id"], outcome, now)
        if outcome == "closed":
            store._apply(db, order, "reply_group_fault", user, {"closure": reply}, now, tz)
        elif outcome == "released":
            store.record_event(db, order["id"], user.id if user else None, "group_fault_released", order["state"],
                               order["state"], now, reason=fault["fault_no"], version=order["version"])
        counts[outcome] += 1
    event(db, fault["id"], user.id if user else None, "links_ended", now, counts)
    return counts


def figures(db, now, days=30):
    """Console figures: active faults, users affected, orders intercepted now, group-fault deadlines
    overdue, and the mean minutes from alarm to publication and from recovery to cancellation over
    the last `days` days."""
    since = to_text(now - datetime.timedelta(days=days))
    marks = ",".join("?" * len(rules.ACTIVE))
    active = one(db, "SELECT COUNT(*) AS n, COALESCE(SUM(affected_users), 0) AS users FROM group_faults"
                     f" WHERE status IN ({marks}) AND (status != 'alarm' OR suggested = 1)", rules.ACTIVE)
    held = one(db, "SELECT COUNT(*) AS n FROM group_fault_links WHERE kind = 'intercepted' AND released_at IS NULL")["n"]
    timing = one(db, "SELECT AVG((julianday(published_at) - julianday(created_at)) * 1440) AS to_publish,"
                     " AVG(CASE WHEN status = 'cancelled' THEN (julianday(ended_at) - julianday(recovered_at)) * 1440 END)"
                     " AS to_cancel FROM group_faults WHERE published_at IS NOT NULL AND created_at >= ?", [since])
    overdue = one(db, "SELECT COUNT(*) AS n FROM group_fault_clocks WHERE stopped_at IS NULL AND due_at <= ?",
                  [to_text(now)])["n"]
    return {"active": active["n"], "users_affected": active["users"], "intercepted": held, "overdue": overdue,
            "minutes_to_publish": None if timing["to_publish"] is None else round(timing["to_publish"]),
            "minutes_to_cancel": None if timing["to_cancel"] is None else round(timing["to_cancel"])}
