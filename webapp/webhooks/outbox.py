"""Order events → webhook deliveries, written in the same transaction as the event (an outbox).

Which events go out (issue 19 item 2, the lifecycle of domain reference §6.12): created,
dispatched (and reassigned), accepted, appointment made or changed, on site, restored, returned
(with the closure reply's fields, §9.2 item 15), signed off, callback done, reopened, and
cancelled. A client receives the events of the orders it raised, or of every order when it was
created with `--all-orders`. No Flask here except the request-scoped list of what to queue.
"""
import datetime
import json
import uuid

from ..db import insert, one
from ..timeutil import to_text

EVENT_OF_ACTION = {
    "create": "order.created", "dispatch": "order.dispatched", "reassign": "order.dispatched",
    "accept": "order.accepted", "arrive": "order.on_site", "restore": "order.restored",
    "return": "order.returned", "reply_group_fault": "order.returned", "sign_off": "order.signed_off",
    "reopen": "order.reopened", "cancel": "order.cancelled",
    # The desk finishes an order nobody needs to visit (issue 21 item 4): the raising system hears of it too.
    "cancel_duplicate": "order.cancelled", "close_remotely": "order.returned",
}
EVENT_TYPES = (*dict.fromkeys(EVENT_OF_ACTION.values()), "order.appointment_made", "order.appointment_changed",
               "order.callback_done")


def precise(moment):
    """A UTC timestamp to the microsecond, as text that sorts (retry times can be under a second apart)."""
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_type(action, from_state):
    """The webhook type of an order event, or None when other systems are not told of it."""
    if action == "make_appointment":
        return "order.appointment_changed" if from_state == "appointed" else "order.appointment_made"
    return EVENT_OF_ACTION.get(action)


def subscribers(db, order):
    """Ids of the active clients with a webhook that hear of `order`."""
    return [row[0] for row in db.conn.execute(
        "SELECT id FROM api_clients WHERE active = 1 AND webhook_url != '' AND (all_orders = 1 OR id = ?)",
        [order["api_client_id"]])]


def order_summary(db, order):
    """What every event carries about its order."""
    technician = one(db, "SELECT display_name, phone FROM users WHERE id = ?", [order["technician_id"]]) \
        if order["technician_id"] else None
    return {"id": order["id"], "order_no": order["order_no"], "external_id": order["external_id"],
            "state": order["state"], "version": order["version"], "order_type": order["order_type"],
            "technician": {"name": technician["display_name"], "phone": technician["phone"]} if technician else None}


def capture(db, event):
    """Turn one order event into deliveries for its subscribers (inside the caller's transaction).

    `event` is {id, order_id, action, from_state, to_state, reason, details, at}. Returns the
    webhook event's id, or None when nobody is told.
    """
    kind = event_type(event["action"], event["from_state"])
    if kind is None:
        return None
    order = one(db, "SELECT * FROM orders WHERE id = ?", [event["order_id"]])
    return emit(db, order, kind, _data(order, event), event["at"])


def _data(order, event):
    data = {"seq": event["id"], "from_state": event["from_state"], "to_state": event["to_state"]}
    details = event["details"]
    if event["action"] == "make_appointment":
        data["appointment"] = {"start": order["appointment_start"], "end": order["appointment_end"],
                               "made_at": order["appointment_made_at"], "reason": event["reason"]}
    elif event["action"] in ("return", "reply_group_fault", "close_remotely"):
        data["closure"] = json.loads(order["closure"]) if order["closure"] else details
    elif event["action"] == "reopen":
        data.update(reason=event["reason"], new_order_id=details.get("new_order_id"))
    elif event["action"] in ("cancel", "reject", "cancel_duplicate"):
        data["reason"] = event["reason"]
        if details.get("duplicate_of"):
            data["duplicate_of"] = details["duplicate_of"]
    elif event["action"] == "sign_off":
        data.update(signer=event["reason"], signoff_id=details.get("signoff_id"), report_hash=details.get("report_hash"))
    return data


def emit(db, order, kind, data, at):
    """Record a webhook event of `kind` for `order` and a delivery per subscriber; return its id or None."""
    clients = subscribers(db, order)
    if not clients:
        return None
    payload = {"type": kind, "timestamp": to_text(at), "data": {"order": order_summary(db, order), **data}}
    event_id = insert(db, "webhook_events", {"msg_id": "msg_" + uuid.uuid4().hex, "order_id": order["id"], "type": kind,
                                             "payload": json.dumps(payload, ensure_ascii=False), "created_at": to_text(at)})
    for client_id in clients:
        insert(db, "webhook_deliveries", {"event_id": event_id, "client_id": client_id, "order_id": order["id"],
                                          "next_attempt_at": precise(at)})
        _remember((client_id, order["id"]))
    return event_id


def _remember(key):
    """Note a (client, order) chain to queue when the request ends (the minute sweep catches the rest)."""
    from flask import g, has_app_context
    if has_app_context():
        g.setdefault("webhook_keys", set()).add(key)


def queue(keys):
    """Queue a delivery job for each (client, order) chain; a queue that fails now is caught up by the sweep."""
    from ..background import tasks
    for client_id, order_id in sorted(keys):
        try:
            tasks.deliver_webhooks(client_id, order_id)
        except Exception:  # noqa: BLE001 — the change is committed; the sweep queues it again
            import logging
            logging.getLogger("ontrack.webhooks").exception("could not queue webhook delivery %s/%s", client_id, order_id)


def due_chains(db, now):
    """(client, order) chains whose first waiting delivery is due (for the minute sweep)."""
    return [tuple(row) for row in db.conn.execute(
        "SELECT DISTINCT client_id, order_id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?",
        [precise(now)])]
