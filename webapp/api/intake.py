"""Orders raised and followed by other systems (issue 19 item 1). No Flask here.

The caller's own order id (`external_id`) is the idempotency key of a create: the same create
sent again, or twenty times at once, finds the order the first one made (BEGIN IMMEDIATE
serialises the check and the insert; a unique index on (client, external_id) backs it). The
same id with different fields is a conflict, never a second order. Field names are the
order's own (domain reference §6, §9.2): the caller owns the intake fields and may change them
while the order is open; the state, the technician, the appointment and the closure reply are
ONTrack's, and come back by webhook and in the timeline.
"""
import hashlib
import json

from ..db import one, transaction
from ..groupfaults import interception
from ..installations.rules import due_from_date
from ..orders import store
from ..orders.lifecycle import OPEN_STATES, N_, Refused
from ..timeutil import to_text

OWNED_FIELDS = tuple(name for name in store.ORDER_FIELDS if name != "order_type")


class Conflict(Refused):
    """The request contradicts the order as it is (another body under the same external id, a stale version)."""


class ApiActor:
    """The calling system acting on an order: role 'api', no person behind it."""

    role = "api"
    id = None

    def __init__(self, client):
        self.client_id = client["id"]
        self.name = client["name"]


def request_hash(fields):
    """SHA-256 of a create's fields in canonical JSON (what 'the same create' means)."""
    # default=str: a due date as "YYYY-MM-DD"; a create without one hashes as before it existed.
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _check_district(db, district):
    if not one(db, "SELECT 1 AS ok FROM districts WHERE name = ?", [district]):
        raise Refused(N_("Unknown district “%(district)s”: use one of the districts set up in ONTrack."),
                      district=district)


def create(db, client, fields, now, tz):
    """Create the order `fields` describe for `client`, once; return (order id, created?).

    `fields` holds `external_id` and the order fields. Raises Conflict when the external id
    was used with other fields, Refused for a district ONTrack does not know.
    """
    with transaction(db):
        return _create(db, client, fields, now, tz)


def create_batch(db, client, batch, now, tz):
    """Create many orders in one transaction, each as `create` would; one refusal spoils only its own.

    Returns [(order id or None, created?, Refused or None)] in the batch's order. One write
    transaction for the lot is what makes a batch faster than as many single calls.
    """
    results = []
    with transaction(db):
        for fields in batch:
            db.conn.execute("SAVEPOINT api_batch_item")
            try:
                order_id, created = _create(db, client, fields, now, tz)
            except Refused as exc:
                db.conn.execute("ROLLBACK TO api_batch_item")
                results.append((None, False, exc))
            else:
                results.append((order_id, created, None))
            db.conn.execute("RELEASE api_batch_item")
    return results


def _create(db, client, fields, now, tz):
    digest = request_hash(fields)
    existing = one(db, "SELECT id, external_request_hash FROM orders WHERE api_client_id = ? AND external_id = ?",
                   [client["id"], fields["external_id"]])
    if existing:
        if existing["external_request_hash"] != digest:
            raise Conflict(N_("Order “%(external_id)s” was already created with other fields; change it with "
                              "PATCH, or use a new external id."), external_id=fields["external_id"])
        return existing["id"], False
    _check_district(db, fields["district"])
    values = {name: fields.get(name) for name in store.ORDER_FIELDS}
    if values["symptom"] != "dialup_error":
        values["dialup_error"] = None
    if fields.get("due_date") is not None:  # an installation's (schemas.OrderCreateSchema checked it)
        values["due_at"] = due_from_date(fields["due_date"], tz)
    order_id = store.create_order(db, values, None, now, tz, api_client_id=client["id"],
                                  external_id=fields["external_id"], request_hash=digest,
                                  evidence={"api_client": client["name"]})
    return order_id, True


def visible(db, client, order_id):
    """The order if this client may see it (its own, or all with `all_orders`), else raise store.NotFound."""
    order = one(db, "SELECT * FROM orders WHERE id = ?", [order_id])
    if order is None or not (client["all_orders"] or order["api_client_id"] == client["id"]):
        raise store.NotFound(order_id)
    return order


def update(db, client, order_id, changes, version, now):
    """Change the intake fields the caller owns on an open order; return the order's new version.

    `version`, when given, must be the order's current version (else Conflict: someone changed
    it since the caller read it). Raises Refused when the order is no longer open.
    """
    with transaction(db):
        order = visible(db, client, order_id)
        if version is not None and version != order["version"]:
            raise Conflict(N_("The order is at version %(current)d, not %(given)d: read it again, then change it."),
                           current=order["version"], given=version)
        if order["state"] not in OPEN_STATES:
            raise Refused(N_("An order that is “%(state)s” can no longer be changed."), state=order["state"])
        if "district" in changes:
            _check_district(db, changes["district"])
        changed = {name: value for name, value in changes.items() if name in OWNED_FIELDS and order[name] != value}
        if not changed:
            return order["version"]
        values = {**changed, "updated_at": to_text(now), "version": order["version"] + 1}
        sets = ", ".join(f"[{name}] = ?" for name in values)
        db.conn.execute(f"UPDATE orders SET {sets} WHERE id = ?", [*values.values(), order_id])
        store.record_event(db, order_id, None, "update_fields", order["state"], order["state"], now,
                           details={"api_client": client["name"],
                                    "changed": {name: [order[name], value] for name, value in changed.items()}},
                           version=values["version"])
        if set(changed) & set(interception.POSITION_FIELDS):  # moved: under a group fault now? (as a create is)
            interception.on_moved_order(db, {**order, **values}, now)
        if {"priority", "access_type"} & set(changed):  # an installation's warnings follow, as at the desk
            from ..installations import store as installations
            installations.rearm(db, {**order, **values}, now)
        return values["version"]


def cancel(db, client, order_id, reason, now, tz):
    """Withdraw an order before the technician is on site (lifecycle action 'cancel'); Refused otherwise.

    A suspended order counts where it will resume: one suspended while on site (resume_state
    on_site or restored, webapp/orders/store.py) is refused as the on-site order is (review r19).
    Cancelling an order already cancelled changes nothing and is not an error (a retried call
    gets the same answer)."""
    with transaction(db):
        order = visible(db, client, order_id)
        if order["state"] == "cancelled":
            return
        if order["state"] == "suspended" and order.get("resume_state") in ("on_site", "restored"):
            raise Refused(N_("The technician has been on site: the order can no longer be cancelled."))
        store._apply(db, order, "cancel", ApiActor(client), {"reason": reason}, now, tz,
                     evidence={"api_client": client["name"]})


def changed_since(db, client, cursor, limit):
    """Orders whose timeline moved after `cursor` (an order-event id), oldest change first.

    Returns [(order id, its latest event id)]: the last pair's event id is the next cursor, so
    a caller that stores it and asks again misses nothing and sees each change at least once.
    """
    mine = "" if client["all_orders"] else " AND o.api_client_id = ?"
    params = [cursor] + ([] if client["all_orders"] else [client["id"]]) + [limit]
    rows = db.conn.execute(
        "SELECT e.order_id, MAX(e.id) AS seq FROM order_events e JOIN orders o ON o.id = e.order_id"
        f" WHERE e.id > ?{mine} GROUP BY e.order_id ORDER BY seq LIMIT ?", params).fetchall()
    return [(row[0], row[1]) for row in rows]


def actor_name(event):
    """Who did a timeline step: the person, the calling system, or 'system'."""
    details = json.loads(event["details"] or "{}")
    return event.get("actor_name") or details.get("api_client") or "system"


def describe(db, order, with_timeline=True):
    """The order as the API shows it (the OrderSchema shape)."""
    technician = one(db, "SELECT display_name, phone FROM users WHERE id = ?", [order["technician_id"]]) \
        if order["technician_id"] else None
    link = interception.active_link(db, order["id"])
    view = {name: order[name] for name in ("id", "order_no", "external_id", "state", "version", "created_at",
                                           "updated_at", "parent_order_id", "due_at", *store.ORDER_FIELDS)}
    view.update(
        technician={"name": technician["display_name"], "phone": technician["phone"]} if technician else None,
        appointment={"start": order["appointment_start"], "end": order["appointment_end"],
                     "made_at": order["appointment_made_at"]} if order["appointment_start"] else None,
        closure=store.closure_of(order) or None,
        group_fault={"fault_no": link["fault_no"], "held": link["kind"] == "intercepted",
                     "wording": link["wording"] or ""} if link else None)
    if with_timeline:
        view["timeline"] = [{"seq": e["id"], "at": e["at"], "action": e["action"], "from_state": e["from_state"],
                             "to_state": e["to_state"], "reason": e["reason"], "actor": actor_name(e)}
                            for e in store.timeline(db, order["id"])]
    return view
