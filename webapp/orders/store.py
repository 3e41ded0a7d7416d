"""Reading and changing work orders: every change checked, versioned, audited and clocked in one transaction."""
import datetime
import json

from ..db import insert, one, transaction
from ..sla import engine
from ..timeutil import from_text, to_text
from .lifecycle import ACTIONS, OPEN_STATES, N_, Refused, check, for_order_type

ORDER_FIELDS = (
    "order_type", "access_type", "symptom", "dialup_error", "priority", "customer_name", "contact_name",
    "contact_phone", "holder_phone", "broadband_account", "district", "community", "building", "unit",
    "address_detail", "ont_model", "ont_serial", "olt", "pon_port", "splitter", "description",
    # enterprise lines (§7.6, §9.5 item 28; webapp/enterprise)
    "customer_grade", "line_scope", "enterprise_service", "circuit_id", "service_level",
)


# What the desk may correct on an open order; the type and access type stay (the clocks were started for them).
EDITABLE_FIELDS = tuple(name for name in ORDER_FIELDS if name not in ("order_type", "access_type"))


class NotFound(Exception):
    """The order does not exist, or this person may not see it (the two look the same)."""


def can_see(user, order):
    """Say whether `user` may see `order`: dispatchers and supervisors all, a technician their own."""
    return user.role != "technician" or order["technician_id"] == user.id


def get_order(db, order_id, user):
    """Load one order the user may see, or raise NotFound."""
    order = one(db, "SELECT * FROM orders WHERE id = ?", [order_id])
    if order is None or not can_see(user, order):
        raise NotFound(order_id)
    return order


def get_order_row(db, order_id):
    """One order row by id, whoever asks (callers check who may see it), or None."""
    return one(db, "SELECT * FROM orders WHERE id = ?", [order_id])


def next_order_no(db, now, tz):
    """Number orders per local day: WO-20261122-0007."""
    prefix = f"WO-{now.astimezone(tz):%Y%m%d}-"
    # By length first: after WO-…-9999 comes WO-…-10000, which sorts lower as text (a city's busy day).
    row = one(db, "SELECT order_no FROM orders WHERE order_no LIKE ? ORDER BY length(order_no) DESC, order_no DESC LIMIT 1",
              [prefix + "%"])
    number = int(row["order_no"].rsplit("-", 1)[1]) + 1 if row else 1
    return f"{prefix}{number:04d}"


def create_order(db, fields, actor_id, now, tz, parent_order_id=None, is_repeat=False, api_client_id=None,
                 external_id=None, request_hash=None, evidence=None):
    """Create an order in state 'created' (inside the caller's transaction) and return its id.

    `api_client_id`/`external_id` name the other system that raised it and its own id for the
    order (issue 19); `evidence` goes into the creation's audit details.
    """
    stamp = to_text(now)
    row = {name: fields.get(name) if name == "dialup_error" else (fields.get(name) or "")
           for name in ORDER_FIELDS}
    row["priority"] = row["priority"] or "normal"
    row.update(order_no=next_order_no(db, now, tz), state="created", created_by=actor_id,
               created_at=stamp, updated_at=stamp, parent_order_id=parent_order_id,
               is_repeat=int(is_repeat), api_client_id=api_client_id, external_id=external_id,
               external_request_hash=request_hash)
    row["due_at"] = to_text(fields["due_at"]) if fields.get("due_at") else None
    repeat_of = None if parent_order_id else find_repeat(db, row, now)
    if repeat_of:
        row.update(is_repeat=1, repeat_of_id=repeat_of["id"])
    order_id = insert(db, "orders", row)
    if repeat_of:
        evidence = {**(evidence or {}), "repeat_of": repeat_of["order_no"], "matched_on": repeat_of["matched_on"]}
    record_event(db, order_id, actor_id, "create", None, "created", now, details=evidence, version=1)
    engine.on_action(db, {**row, "id": order_id}, "create", now, tz)
    from ..installations import store as installations
    installations.on_new_order(db, order_id, row, now)
    from ..groupfaults import interception
    interception.on_new_order(db, {**row, "id": order_id, "version": 1}, now)
    return order_id


REPEAT_TYPES = ("repair", "complaint")


def repeat_window_days():
    """The configured repeat window in days (ONTRACK_REPEAT_WINDOW_DAYS)."""
    from flask import current_app, has_app_context
    from ..config import Config
    return (current_app.config if has_app_context() else vars(Config))["REPEAT_WINDOW_DAYS"]


def find_repeat(db, row, now, window_days=None):
    """Return the latest earlier order this new one repeats, with `matched_on`, or None (§9.2 item 19).

    A repair or complaint repeats an order (any type, not a cancelled duplicate) created at most
    `window_days` days before `now` at the same broadband account or the same full address
    (district, community, building and unit all given).
    """
    if row["order_type"] not in REPEAT_TYPES:
        return None
    since = to_text(now - datetime.timedelta(days=repeat_window_days() if window_days is None else window_days))
    candidates = []
    if row["broadband_account"].strip():
        # "!= ''" lets SQLite use the partial index orders_account_created (a bound value could be '').
        found = one(db, "SELECT id, order_no, created_at FROM orders WHERE broadband_account = ? AND broadband_account != ''"
                        " AND created_at >= ? AND state != 'cancelled' ORDER BY created_at DESC, id DESC LIMIT 1",
                    [row["broadband_account"].strip(), since])
        if found:
            candidates.append({**found, "matched_on": "account"})
    address = [row[name].strip() for name in ("district", "community", "building", "unit")]
    if all(address):
        found = one(db, "SELECT id, order_no, created_at FROM orders WHERE district = ? AND community = ? AND building = ?"
                        " AND unit = ? AND created_at >= ? AND state != 'cancelled' ORDER BY created_at DESC, id DESC LIMIT 1",
                    [*address, since])
        if found:
            candidates.append({**found, "matched_on": "address"})
    return max(candidates, key=lambda c: (c["created_at"], c["id"])) if candidates else None


def record_event(db, order_id, actor_id, action, from_state, to_state, now, reason="", details=None, version=None):
    """Append one line to the order's audit trail; `version` is the order's version after it.

    Every line also passes the webhook outbox, which turns the ones other systems subscribe to
    (created, dispatched, returned …) into deliveries in the same transaction (issue 19).
    """
    event_id = insert(db, "order_events", {
        "order_id": order_id, "at": to_text(now), "actor_id": actor_id, "action": action,
        "from_state": from_state, "to_state": to_state, "reason": reason or "",
        "details": json.dumps(details or {}, ensure_ascii=False), "version": version})
    from ..webhooks import outbox
    outbox.capture(db, {"id": event_id, "order_id": order_id, "action": action, "from_state": from_state,
                        "to_state": to_state, "reason": reason or "", "details": details or {}, "at": now})


def apply_action(db, order_id, action, user, fields, now, tz):
    """Check and apply one action for `user`; return the order's id (a new one for reopen).

    Raises NotFound if the user may not see the order and Refused with the reason if the
    action is not allowed now. Nothing is written unless everything succeeds.
    """
    with transaction(db):
        order = get_order(db, order_id, user)
        return _apply(db, order, action, user, fields, now, tz)


def _apply(db, order, action, user, fields, now, tz, evidence=None):
    """Apply an action to a loaded order (inside the caller's transaction).

    `evidence` is kept in the audit details: what a phone said about when it happened.
    """
    order_id = order["id"]
    fields = dict(fields)
    fields["resume_state"] = order["resume_state"]
    fields["access_type"] = order["access_type"]
    fields["order_type"] = order["order_type"]
    if "technician_id" in fields:
        _check_technician(db, fields["technician_id"])
    if action == "suspend":
        _check_approver(db, fields.get("approver_id"), user, order, now)
    if action == "dispatch":
        from ..groupfaults import interception
        interception.check_dispatch(db, order)
    target = check(action, order["state"], user.role,
                   is_assignee=order["technician_id"] == user.id, fields=fields)
    changes, details, result_id = _changes_for(db, order, action, fields, user, now, tz)
    changes.update(state=target, updated_at=to_text(now), version=order["version"] + 1)
    assignments = ", ".join(f"[{k}] = ?" for k in changes)
    db.conn.execute(f"UPDATE orders SET {assignments} WHERE id = ?", [*changes.values(), order_id])
    record_event(db, order_id, user.id, action, order["state"], target, now,
                 reason=fields.get("reason", ""), details={**details, **(evidence or {})}, version=changes["version"])
    if target == "cancelled" or action == "close_remotely":  # nobody will visit: no clock may run on
        engine.stop_all(db, order_id, now)
    from ..notify import notices
    notices.on_order_action(db, order, {**order, **changes}, action, user, now)
    # Reaching "returned" stops the clocks and books the callback whichever way it was reached.
    engine.on_action(db, {**order, **changes}, "return" if target == "returned" else action, now, tz)
    if target == "returned":
        from flask import current_app, has_app_context
        from ..config import Config
        from ..signoff import callbacks
        config = current_app.config if has_app_context() else vars(Config)
        callbacks.schedule(db, {**order, **changes}, now, config["CALLBACK_WINDOW_DAYS"], config["SATISFIED_SCORE"])
    return result_id or order_id


def assign(db, order_id, user, technician_id, now, tz):
    """Give an order to a technician: dispatch it if nobody has it, else reassign it."""
    with transaction(db):
        order = get_order(db, order_id, user)
        action = "dispatch" if order["state"] in ACTIONS["dispatch"].sources else "reassign"
        return _apply(db, order, action, user, {"technician_id": technician_id}, now, tz)


def _check_technician(db, technician_id):
    tech = one(db, "SELECT id FROM users WHERE id = ? AND role = 'technician' AND active = 1",
               [technician_id])
    if tech is None:
        raise Refused(N_("Choose an active technician."))


APPROVAL_HOURS = 24


def _check_approver(db, approver_id, user, order, now):
    """The named supervisor approved this suspension themselves (domain reference §7.4 #6).

    Either they are the one suspending, or they recorded their approval on this order within
    the last APPROVAL_HOURS; a dispatcher cannot record it for them. Each approval serves once.
    """
    approver = one(db, "SELECT id FROM users WHERE id = ? AND role = 'supervisor' AND active = 1",
                   [approver_id])
    if approver is None:
        raise Refused(N_("A suspension must be approved by a supervisor."))
    if approver["id"] == user.id:
        return
    since = to_text(now - datetime.timedelta(hours=APPROVAL_HOURS))
    approval = one(db, "SELECT id FROM suspension_approvals WHERE order_id = ? AND supervisor_id = ? AND used_at IS NULL"
                       " AND created_at > ? ORDER BY id DESC LIMIT 1", [order["id"], approver["id"], since])
    if approval is None:
        raise Refused(N_("That supervisor has not approved suspending this order: they approve it on the order page "
                         "first, or suspend it themselves."))
    db.conn.execute("UPDATE suspension_approvals SET used_at = ? WHERE id = ?", [to_text(now), approval["id"]])


def approve_suspension(db, order_id, supervisor, now):
    """Record a supervisor's own approval for suspending an order (used by the next suspension)."""
    with transaction(db):
        order = get_order(db, order_id, supervisor)
        if supervisor.role != "supervisor":
            raise Refused(N_("A suspension must be approved by a supervisor."))
        if order["state"] not in ACTIONS["suspend"].sources:
            raise Refused(N_("This order cannot be suspended in its current state."))
        insert(db, "suspension_approvals", {"order_id": order_id, "supervisor_id": supervisor.id,
                                            "order_version": order["version"], "created_at": to_text(now)})


def _changes_for(db, order, action, fields, user, now, tz):
    """Work out the column changes and audit details an action brings (beyond the state)."""
    changes, details, new_id = {}, {}, None
    if action in ("dispatch", "reassign"):
        changes.update(technician_id=int(fields["technician_id"]), dispatched_at=to_text(now))
        company = one(db, "SELECT company FROM users WHERE id = ?", [int(fields["technician_id"])])
        # The company is kept as it was at dispatch, so KPI reports by company never move with later staff changes.
        details = {"technician_id": int(fields["technician_id"]), "previous_technician_id": order["technician_id"],
                   "company": company["company"] if company else ""}
    elif action == "make_appointment":
        start, end = fields["appointment_start"], fields["appointment_end"]
        if end <= start:
            raise Refused(N_("The appointment must end after it starts."))
        if end <= now:
            raise Refused(N_("The appointment window is already over; choose a time in the future."))
        changes.update(appointment_start=to_text(start), appointment_end=to_text(end))
        if not order["appointment_made_at"]:
            changes["appointment_made_at"] = to_text(now)
        details = {"appointment_start": to_text(start), "appointment_end": to_text(end),
                   "previous_start": order["appointment_start"]}
    elif action == "suspend":
        changes.update(suspended_at=to_text(now), resume_state=order["state"])
        details = {"customer_consent": fields["customer_consent"], "approver_id": int(fields["approver_id"])}
    elif action == "resume":
        paused = now - from_text(order["suspended_at"])
        changes.update(suspended_at=None, resume_state=None,
                       suspended_seconds=order["suspended_seconds"] + int(paused.total_seconds()))
        engine.shift_open_clocks(db, order["id"], paused)
        details = {"suspended_seconds": int(paused.total_seconds())}
    elif action == "restore":
        details = {name: fields[name] for name in ("found", "done") if fields.get(name)}
    elif action in ("return", "reply_group_fault"):
        closure = dict(fields["closure"])
        if action == "return":
            closure = _complete_closure(db, closure, user, now, tz, order["order_type"] == "installation")
            if order["order_type"] == "installation" and closure.get("installed"):
                changes.update(_record_installed(db, order, closure["installed"], user, now))
        changes["closure"] = json.dumps(closure, ensure_ascii=False)
        details = closure
    elif action == "cancel_duplicate":
        original = _duplicated_order(db, order, fields["duplicate_of"])
        changes["duplicate_of_id"] = original["id"]
        details = {"duplicate_of": original["order_no"], "duplicate_of_id": original["id"]}
    elif action == "close_remotely":
        from ..complaints.fault_classes import is_active
        if not is_active(db, fields["closure"].get("classification")):
            raise Refused(N_("Choose a fault classification from the current list."))
        changes["closure"] = json.dumps(fields["closure"], ensure_ascii=False)
        details = fields["closure"]
    elif action == "return_to_queue":
        details = {"reason_code": fields.get("reason_code"), "previous_technician_id": order["technician_id"]}
    elif action == "mark_unsolved":
        expected = fields.get("legacy_expected_date")
        changes["legacy_expected_date"] = expected.isoformat() if expected else None
        details = {"legacy_expected_date": changes["legacy_expected_date"]}
    elif action == "reopen":
        source = {**{name: order[name] for name in ORDER_FIELDS}, "description": fields["reason"]}
        new_id = create_order(db, source, user.id, now, tz, parent_order_id=order["id"],
                              is_repeat=order["order_type"] == "complaint", api_client_id=order.get("api_client_id"))
        details = {"new_order_id": new_id}
    elif action == "cancel":
        # Withdrawn: no deadline of this order runs any more (refresh_next_due follows in on_action).
        db.conn.execute("UPDATE order_clocks SET stopped_at = ? WHERE order_id = ? AND stopped_at IS NULL",
                        [to_text(now), order["id"]])
        details = {"reason": fields["reason"]}
    return changes, details, new_id


def _complete_closure(db, closure, user, now, tz, installation=False):
    """Name the handler (the person returning it, unless another is given), check the fault class is offered now
    (a repair's: an installation's reply has none), and date a home order's "holder informed" tick to the return
    when no other time was given (§9.2 item 16)."""
    from ..complaints.fault_classes import is_active
    if not installation and not is_active(db, closure.get("classification")):
        raise Refused(N_("Choose a fault classification from the current list."))
    if not (closure.get("handler") or "").strip():
        closure["handler"], closure["handler_phone"] = user.display_name, closure.get("handler_phone") or user.phone
    if closure.get("holder_informed") and not closure.get("confirmed_at"):
        closure["confirmed_at"] = now.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        closure["confirmed_by"] = closure.get("confirmed_by") or user.display_name
    return closure


def edit_order(db, order_id, user, fields, now):
    """Correct an open order's details; return the names of the fields that changed (none: nothing written).

    Each change is kept as [before, after] in an "edit" event. Raises Refused on a finished order.
    """
    with transaction(db):
        order = get_order(db, order_id, user)
        if order["state"] not in OPEN_STATES:
            raise Refused(N_("Only an open order can be corrected; this one is “%(state)s”."), state=order["state"])
        changes = {name: fields.get(name) if name == "dialup_error" else (fields.get(name) or "")
                   for name in EDITABLE_FIELDS}
        changes = {name: value for name, value in changes.items() if value != order[name]}
        if not changes:
            return []
        version = order["version"] + 1
        assignments = ", ".join(f"[{name}] = ?" for name in changes)
        db.conn.execute(f"UPDATE orders SET {assignments}, updated_at = ?, version = ? WHERE id = ?",
                        [*changes.values(), to_text(now), version, order_id])
        record_event(db, order_id, user.id, "edit", order["state"], order["state"], now,
                     details={name: [order[name], value] for name, value in changes.items()}, version=version)
        from ..notify import notices
        notices.on_order_action(db, order, {**order, **changes}, "edit", user, now)
        if {"priority", "access_type"} & set(changes):
            from ..installations import store as installations  # urgent or not moves the warning (3 days / 1 week)
            installations.rearm(db, {**order, **changes}, now)
        return list(changes)


def _record_installed(db, order, installed, user, now):
    """Keep what the installation left on site, keyed by account and address; return the order's ONT columns."""
    insert(db, "installed_equipment", {
        **{name: order[name] for name in ("broadband_account", "district", "community", "building", "unit")},
        **installed, "order_id": order["id"], "recorded_by": user.id, "recorded_at": to_text(now)})
    return {"ont_model": installed.get("ont_model") or order["ont_model"], "ont_serial": installed["ont_serial"]}


def on_site_equipment(db, order):
    """The latest equipment an installation recorded at this order's account or full address (None if none).

    Returns a dict with ont_model, ont_serial, loid, registration_sn, router_model, router_serial, recorded_at
    and the installation's order_no.
    """
    sql = ("SELECT e.*, o.order_no FROM installed_equipment e JOIN orders o ON o.id = e.order_id WHERE {where}"
           " AND e.order_id != ? ORDER BY e.recorded_at DESC, e.id DESC LIMIT 1")
    if order["broadband_account"]:
        found = one(db, sql.format(where="e.broadband_account = ?"), [order["broadband_account"], order["id"]])
        if found:
            return found
    address = [order[name] for name in ("district", "community", "building", "unit")]
    if all(address):
        return one(db, sql.format(where="e.district = ? AND e.community = ? AND e.building = ? AND e.unit = ?"),
                   [*address, order["id"]])
    return None


def _duplicated_order(db, order, order_no):
    """The order a duplicate repeats, by its number (Refused otherwise, with why).

    It must be another order, not cancelled or finished (closed, unsolved: the one that stays must still be
    worked), for the same customer: the same broadband account, or the same full address (district,
    community, building and unit, as find_repeat matches repeats, §9.2 item 19).
    """
    original = one(db, "SELECT * FROM orders WHERE order_no = ? COLLATE NOCASE", [order_no.strip()])
    if original is None:
        raise Refused(N_("There is no order %(no)s: give the number of the order this one duplicates."), no=order_no)
    if original["id"] == order["id"]:
        raise Refused(N_("An order cannot duplicate itself: give the other order's number."))
    if original["state"] == "cancelled":
        raise Refused(N_("Order %(no)s is itself a cancelled duplicate: give the order that stays."), no=original["order_no"])
    if original["state"] in ("closed", "unsolved"):
        raise Refused(N_("Order %(no)s is already finished: it cannot stand for this one. Handle this order itself."),
                      no=original["order_no"])
    if not _same_customer(order, original):
        raise Refused(N_("Order %(no)s is for another customer: neither the broadband account nor the full address"
                         " (district, community, building, unit) is the same."), no=original["order_no"])
    return original


def _same_customer(order, other):
    """Say whether two orders share a broadband account or a full address (all four parts given and equal)."""
    account = (order["broadband_account"] or "").strip()
    if account and account == (other["broadband_account"] or "").strip():
        return True
    parts = ("district", "community", "building", "unit")
    mine = [(order[p] or "").strip() for p in parts]
    return all(mine) and mine == [(other[p] or "").strip() for p in parts]


def add_note(db, order_id, user, text, now, tz):
    """Append a progress note (re-arms the enterprise 30-minute progress clock)."""
    with transaction(db):
        order = get_order(db, order_id, user)
        _add_note(db, order, user, text, now, tz)


def _add_note(db, order, user, text, now, tz, uid=None, evidence=None):
    """Append a note to a loaded order (inside the caller's transaction)."""
    if order["state"] not in OPEN_STATES:
        raise Refused(N_("Notes can only be added to an open order."))
    insert(db, "order_notes", {"order_id": order["id"], "author_id": user.id, "at": to_text(now), "text": text,
                               "uid": uid})
    record_event(db, order["id"], user.id, "add_note", order["state"], order["state"], now, reason=text,
                 details=evidence, version=order["version"])
    engine.on_action(db, order, "add_note", now, tz)


def timeline(db, order_id):
    """Return the order's audit trail, oldest first, with the actor's name (a person's, or the calling system's).

    A step from a phone also carries both of its times: `phone_time` (when the phone says it
    happened) and `received_at` (when it reached the server), when they differ from `at`.
    """
    events = list(db.query(
        # An API client's steps carry its name in the details (issue 19): the desk shows who did it.
        "SELECT e.*, COALESCE(u.display_name, json_extract(e.details, '$.api_client')) AS actor_name FROM order_events e"
        " LEFT JOIN users u ON u.id = e.actor_id"
        " WHERE e.order_id = ? ORDER BY e.at, e.id", [order_id]))
    for event in events:
        details = json.loads(event["details"] or "{}")
        if details.get("received_at") and details["received_at"] != event["at"]:
            event["received_at"] = details["received_at"]
        if details.get("device_time") and details["device_time"] != event["at"]:
            event["phone_time"] = details["device_time"]
    return events


def clocks(db, order_id):
    """Return the order's SLA clocks with their policies."""
    return list(db.query(
        "SELECT c.*, p.kind, p.amount, p.escalate_role, p.escalate_title FROM order_clocks c"
        " JOIN sla_policies p ON p.code = c.policy_code WHERE c.order_id = ? ORDER BY c.due_at", [order_id]))


def wrong_order_type(action, order):
    """A Refused saying why `action` is not for this order's type (a remote close of an installation), or None."""
    if for_order_type(ACTIONS[action], order["order_type"]):
        return None
    return Refused(ACTIONS[action].wrong_type)


def is_action(name):
    """Say whether `name` is a known action."""
    return name in ACTIONS


def closure_of(order):
    """Return the order's closure reply as a dict (empty when not returned yet)."""
    return json.loads(order["closure"]) if order.get("closure") else {}
