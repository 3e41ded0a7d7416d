"""Technicians' notices about their orders: a new order, one taken off them, one changed by the desk.

Written into the notices table (the SLA warnings already are), addressed to one technician by
`user_id` with role 'technician', in the caller's transaction: the phone's sync pull carries them
and the minute job sends each once by Web Push where the phone subscribed (webapp/notify/push.py).
Domain reference §9.2 #18 (notifications to named roles), issue 22 item 3.
"""
from ..db import insert
from ..timeutil import to_text

# Actions the desk takes on an order a technician holds that change what the technician should do.
CHANGING_ACTIONS = frozenset({"suspend", "resume", "mark_unsolved", "close", "reopen", "reply_group_fault",
                              # the desk's corrections and the orders it finishes without a visit (issue 21 item 4),
                              # and a withdrawal by the raising system (issue 19)
                              "edit", "cancel", "cancel_duplicate", "close_remotely"})
# Actions that take the order off its technician without giving it to another (issue 21 item 4: 派单驳回).
TAKING_ACTIONS = frozenset({"return_to_queue"})


def notify_technician(db, order_id, technician_id, kind, detail, now, policy_code=""):
    """Add one notice for a technician (inside the caller's transaction); return its id."""
    return insert(db, "notices", {"order_id": order_id, "policy_code": policy_code, "kind": kind, "role": "technician",
                                  "user_id": technician_id, "title": "", "created_at": to_text(now), "detail": detail})


def on_order_action(db, before, after, action, actor, now):
    """Tell the technicians concerned about an action that just changed an order (caller's transaction).

    - dispatch / reassign: the new holder gets "assigned"; the previous holder, if another person, "reassigned";
    - return_to_queue: the holder gets "reassigned" (the order is taken off them);
    - any other desk action on an order someone holds: the holder gets "changed".
    A technician is never told about what they did themselves.
    """
    new_holder, old_holder = after.get("technician_id"), before.get("technician_id")
    if action in ("dispatch", "reassign"):
        if new_holder and new_holder != actor.id:
            notify_technician(db, before["id"], new_holder, "assigned", action, now)
        if old_holder and old_holder != new_holder and old_holder != actor.id:
            notify_technician(db, before["id"], old_holder, "reassigned", action, now)
    elif action in TAKING_ACTIONS and old_holder and old_holder != actor.id:
        notify_technician(db, before["id"], old_holder, "reassigned", action, now)
    elif action in CHANGING_ACTIONS and old_holder and old_holder != actor.id:
        notify_technician(db, before["id"], old_holder, "changed", action, now)
