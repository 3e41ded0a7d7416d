"""What a technician's phone holds: their open orders with everything needed on site.

An order is in the briefcase while it is assigned to the technician and in one of the states
of their job list, and after its closure reply until the customer has signed or the reply says
why they did not (issue 15 item 3: the customer signs on the phone, the server accepts it).
When it leaves (reassigned, returned and signed, rejected), pull sends a tombstone to every
technician who ever held it, and to nobody else.
"""
import json

from ..db import one
from ..jobs.routes import address_of, map_links
from ..orders.lifecycle import ACTIVE_STATES

ORDER_COLUMNS = (
    "id", "order_no", "order_type", "access_type", "symptom", "dialup_error", "priority", "state",
    "customer_name", "contact_name", "contact_phone", "holder_phone", "broadband_account", "district",
    "community", "building", "unit", "address_detail", "ont_model", "ont_serial", "olt", "pon_port",
    "splitter", "description", "technician_id", "dispatched_at", "appointment_start", "appointment_end",
    "suspended_at", "resume_state", "legacy_expected_date", "closure", "parent_order_id", "is_repeat",
    "next_due_at", "next_due_policy", "breached", "created_at", "updated_at", "version",
)
HISTORY_LIMIT = 5


# A returned order still waiting for the customer's signature (SQL over `orders`).
AWAITING_SIGNATURE = ("(orders.state = 'returned' AND COALESCE(json_extract(orders.closure, '$.unsigned_reason'), '') = ''"
                      " AND NOT EXISTS (SELECT 1 FROM signoffs s WHERE s.order_id = orders.id))")


def in_briefcase(db, order, user_id):
    """Say whether this order belongs on this technician's phone now."""
    if order["technician_id"] != user_id:
        return False
    if order["state"] in ACTIVE_STATES:
        return True
    return order["state"] == "returned" and one(db, f"SELECT 1 AS yes FROM orders WHERE id = ? AND {AWAITING_SIGNATURE}",
                                                [order["id"]]) is not None


def ever_held(db, order_id, user_id):
    """Say whether the order was ever assigned to this technician (so their phone may have it)."""
    row = one(db, "SELECT 1 AS yes FROM order_events WHERE order_id = ? AND action IN ('dispatch', 'reassign')"
                  " AND json_extract(details, '$.technician_id') = ? LIMIT 1", [order_id, user_id])
    return row is not None


def bundle(db, order):
    """Everything the phone shows for one order: the order, its trail, notes, photos, clocks, history."""
    order_id = order["id"]
    data = {name: order[name] for name in ORDER_COLUMNS}
    data["closure"] = json.loads(order["closure"]) if order["closure"] else None
    data["address"] = address_of(order)
    data["map"] = map_links(order)
    data["events"] = [
        {"id": e["id"], "at": e["at"], "action": e["action"], "from_state": e["from_state"],
         "to_state": e["to_state"], "reason": e["reason"], "actor": e["actor"],
         "details": json.loads(e["details"] or "{}")}
        for e in db.query("SELECT e.*, u.display_name AS actor FROM order_events e LEFT JOIN users u"
                          " ON u.id = e.actor_id WHERE e.order_id = ? ORDER BY e.at, e.id", [order_id])]
    data["notes"] = list(db.query(
        "SELECT n.uid, n.at, n.text, u.display_name AS author FROM order_notes n LEFT JOIN users u"
        " ON u.id = n.author_id WHERE n.order_id = ? ORDER BY n.at, n.id", [order_id]))
    data["attachments"] = list(db.query(
        "SELECT id, kind, sha256, caption, taken_at, created_at FROM attachments WHERE order_id = ?"
        " ORDER BY created_at, rowid", [order_id]))  # in the order applied: one push's photos as they were taken
    data["clocks"] = list(db.query(
        "SELECT policy_code, due_at, stopped_at, breached_at FROM order_clocks WHERE order_id = ?"
        " ORDER BY due_at", [order_id]))
    data["history"] = history(db, order)
    from ..orders.store import on_site_equipment
    installed = on_site_equipment(db, order)
    data["installed"] = {key: installed[key] for key in ("order_no", "ont_model", "ont_serial", "loid", "registration_sn",
                                                         "router_model", "router_serial", "recorded_at")} if installed else None
    data["runs"] = [
        {**run, "steps": json.loads(run["steps"])}
        for run in db.query("SELECT id, playbook, playbook_version, steps, outcome, note, occurred_at, created_at"
                            " FROM diagnostic_runs WHERE order_id = ? ORDER BY created_at, id", [order_id])]
    data["surveys"] = [worded_survey(s) for s in db.query("SELECT id, source, format, country, own_ssid, networks, recommendation, findings, occurred_at,"
                          " created_at FROM wifi_surveys WHERE order_id = ? ORDER BY created_at, id", [order_id])]
    data["signoffs"] = [
        {"id": s["id"], "version": s["version"], "report_hash": s["report_hash"], "signer_name": s["signer_name"],
         "signed_at": s["signed_at"], "survey": json.loads(s["survey"]), "channel": s["channel"],
         "report_path": signoff_path(s["id"])}
        for s in db.query("SELECT * FROM signoffs WHERE order_id = ? ORDER BY version", [order_id])]
    from ..led import checks as led_checks
    data["led_checks"] = led_checks.for_order(db, order_id)
    from ..groupfaults import interception
    data["group_fault"] = interception.for_phone(db, order_id)
    from ..enterprise import phone as enterprise_phone
    data["enterprise"] = enterprise_phone.for_phone(db, order)
    from ..measurements.mutations import for_order as measurements_for_order
    data.update(measurements_for_order(db, order_id))  # tool_check, captures (issue 21 item 6)
    data["followups"] = [r["kind"] for r in db.query("SELECT kind FROM order_followups WHERE order_id = ? ORDER BY created_at", [order_id])]
    return data


def worded_survey(row):
    """A stored Wi-Fi survey with its advice in the technician's language (stored as codes and numbers)."""
    from flask_babel import get_locale
    from ..wifi import guidance as wifi_guidance
    survey = {**row, **{key: json.loads(row[key]) for key in ("networks", "recommendation", "findings")}}
    lang = "en" if str(get_locale()) == "en" else "zh"
    survey["recommendation"], survey["findings"] = wifi_guidance.worded(survey["recommendation"], survey["findings"], lang)
    return survey


def signoff_path(signoff_id):
    """The customer's permanent link to a signed report."""
    from flask import current_app
    from ..signoff.report import report_token
    return f"/r/{signoff_id}/{report_token(current_app.config['SECRET_KEY'], signoff_id)}"


def history(db, order):
    """Earlier orders on the same broadband account or at the same address, newest first."""
    if order["broadband_account"]:
        # "!= ''" lets SQLite use the partial index orders_account_created (it cannot tell that a
        # bound value is not ''): without it every bundle read the whole orders table.
        where, params = "broadband_account = ? AND broadband_account != ''", [order["broadband_account"]]
    else:
        where = "district = ? AND community = ? AND building = ? AND unit = ? AND address_detail = ?"
        params = [order["district"], order["community"], order["building"], order["unit"], order["address_detail"]]
    rows = db.query(
        f"SELECT id, order_no, order_type, symptom, state, created_at, closure FROM orders"
        f" WHERE {where} AND id != ? ORDER BY created_at DESC LIMIT {HISTORY_LIMIT}", [*params, order["id"]])
    result = []
    for row in rows:
        closure = json.loads(row.pop("closure")) if row["closure"] else {}
        row["cause"] = closure.get("cause", "")
        row["process"] = closure.get("process", "")
        result.append(row)
    return result


def open_orders(db, user_id):
    """The technician's orders that belong on the phone now."""
    marks = ",".join("?" * len(ACTIVE_STATES))
    return list(db.query(f"SELECT * FROM orders WHERE technician_id = ? AND (state IN ({marks}) OR {AWAITING_SIGNATURE})"
                         " ORDER BY id", [user_id, *ACTIVE_STATES]))
