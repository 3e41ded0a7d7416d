"""Group-fault interception (domain reference §5.2 "客服将进行群障拦截", §5.5, §9.3 item 23).

While a fault is published (and after recovery until the desk cancels it), a new order whose
broadband account, OLT, PON port or address falls under it is linked to the fault and its
dispatch held: the caller is told the fault's wording instead of a technician being sent into a
known outage. At publication, open orders already in the area are linked too: the ones not yet
with a technician are held, the others flagged so their technician sees the banner.

Where an order sits in the network comes from the order's own OLT and PON port, else from the
account mapping (004: account ↔ OLT ↔ ONU); an order whose position is unknown is matched by
its address (district, community, building). No Flask here; every function runs inside the
caller's transaction.
"""
from ..db import one
from ..orders.lifecycle import OPEN_STATES, N_, Refused
from ..timeutil import to_text
from . import mapping, rules

NOT_YET_DISPATCHED = ("created", "rejected")
_INTERCEPTING = "('" + "', '".join(rules.INTERCEPTING) + "')"


def position(db, order):
    """Where the order sits in the network: {olt, pon_port, onu, source} or None when unknown.

    The order's own OLT/PON port come first; the ONU (and a missing OLT/PON) come from the
    account mapping.
    """
    mapped = mapping.position_of(db, order.get("broadband_account"))
    if order.get("olt"):
        return {"olt": order["olt"], "pon_port": order.get("pon_port") or (mapped or {}).get("pon_port", ""),
                "onu": (mapped or {}).get("onu", "") if mapped and mapped["olt"] == order["olt"] else "",
                "source": "order"}
    if mapped:
        return {"olt": mapped["olt"], "pon_port": mapped["pon_port"], "onu": mapped["onu"], "source": "account"}
    return None


def covers(fault, order, where):
    """Say how `fault` covers `order` ('account', 'olt', 'pon_port', 'onu', 'address') or None.

    `where` is the order's network position from `position()` (None when unknown).
    """
    if fault["olt"] and where:
        if where["olt"] != fault["olt"]:
            return None
        if fault["pon_port"] and where["pon_port"] != fault["pon_port"]:
            return None
        if fault["onu"] and where["onu"] != fault["onu"]:
            return None
        if where["source"] == "account":
            return "account"
        return "onu" if fault["onu"] else "pon_port" if fault["pon_port"] else "olt"
    if fault["community"] and order.get("district") == fault["district"] and order.get("community") == fault["community"] \
            and (not fault["building"] or order.get("building") == fault["building"]):
        return "address"
    return None


def match(db, order):
    """Return (fault, matched_on) of the earliest-published intercepting fault covering `order`, or None.

    `order` is a dict with the order's fields (broadband_account, olt, pon_port, district,
    community, building). Two indexed look-ups: by network position, and by address.
    """
    where = position(db, order)
    candidates = []
    if where:
        candidates += _faults(db, f"SELECT * FROM group_faults WHERE status IN {_INTERCEPTING} AND olt = ?"
                                  " AND (pon_port = '' OR pon_port = ?)", [where["olt"], where["pon_port"]])
    if order.get("community"):
        candidates += _faults(db, f"SELECT * FROM group_faults WHERE status IN {_INTERCEPTING} AND district = ?"
                                  " AND community = ?", [order.get("district"), order["community"]])
    best = None
    for fault in candidates:
        how = covers(fault, order, where)
        if how and (best is None or _earlier(fault, best[0])):
            best = (fault, how)
    return best


def _earlier(fault, other):
    """The first-published fault wins (ties by number), so an order always links to the same one."""
    return ((fault["published_at"] or ""), fault["id"]) < ((other["published_at"] or ""), other["id"])


def _faults(db, sql, params):
    cursor = db.conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor]


def on_new_order(db, order, now):
    """Link a just-created order to the fault covering it and hold its dispatch; return the fault or None."""
    found = match(db, order)
    if found is None:
        return None
    fault, how = found
    _link(db, fault, order, "intercepted", how, now)
    return fault


POSITION_FIELDS = ("broadband_account", "olt", "pon_port", "district", "community", "building")


def on_moved_order(db, order, now):
    """Match an open order again after its account or network position changed; return the fault linked, or None.

    `order` is the order as it now is (POSITION_FIELDS changed by an API PATCH). As a new order
    is, it is linked to the earliest-published fault covering it: held when it has no technician
    yet, flagged otherwise (as at publication, `link_area`). An order already linked keeps its link
    (the desk releases it); an order moved out of a fault's area is left to the desk too.
    """
    if order["state"] not in OPEN_STATES or active_link(db, order["id"]):
        return None
    found = match(db, order)
    if found is None:
        return None
    fault, how = found
    _link(db, fault, order, "intercepted" if order["state"] in NOT_YET_DISPATCHED else "flagged", how, now)
    return fault


def link_area(db, fault, now):
    """Link the open orders already in the fault's area (at publication); return {intercepted, flagged}."""
    states = sorted(OPEN_STATES)
    marks = ",".join("?" * len(states))
    scope, params = ["(district = ? AND community = ?)"], [fault["district"], fault["community"]]
    if fault["olt"]:
        scope.append("olt = ?")
        params.append(fault["olt"])
        under = ["olt = ?"] + (["pon_port = ?"] if fault["pon_port"] else []) + (["onu = ?"] if fault["onu"] else [])
        scope.append(f"broadband_account IN (SELECT account FROM account_map WHERE {' AND '.join(under)})")
        params += [fault["olt"]] + ([fault["pon_port"]] if fault["pon_port"] else []) + ([fault["onu"]] if fault["onu"] else [])
    counts = {"intercepted": 0, "flagged": 0}
    for order in db.query(f"SELECT * FROM orders WHERE state IN ({marks}) AND ({' OR '.join(scope)})", [*states, *params]):
        how = covers(fault, order, position(db, order))
        if how is None or one(db, "SELECT 1 AS yes FROM group_fault_links WHERE order_id = ? AND released_at IS NULL",
                              [order["id"]]):
            continue
        kind = "intercepted" if order["state"] in NOT_YET_DISPATCHED else "flagged"
        _link(db, fault, order, kind, how, now)
        counts[kind] += 1
    return counts


def _link(db, fault, order, kind, how, now):
    from ..orders.store import record_event
    db.conn.execute("INSERT OR IGNORE INTO group_fault_links (fault_id, order_id, kind, matched_on, linked_at)"
                    " VALUES (?, ?, ?, ?, ?)", [fault["id"], order["id"], kind, how, to_text(now)])
    record_event(db, order["id"], None, "group_fault_" + kind, order["state"], order["state"], now,
                 reason=fault["fault_no"], details={"fault_id": fault["id"], "matched_on": how},
                 version=order["version"])


def active_link(db, order_id):
    """The order's live link to a fault, with the fault's words: dict or None."""
    return one(db, "SELECT l.id AS link_id, l.kind, l.matched_on, l.linked_at, f.* FROM group_fault_links l"
                   " JOIN group_faults f ON f.id = l.fault_id WHERE l.order_id = ? AND l.released_at IS NULL"
                   " ORDER BY l.id LIMIT 1", [order_id])


def check_dispatch(db, order):
    """Refuse to dispatch an order whose dispatch is held by a group fault (called by the order store)."""
    link = active_link(db, order["id"])
    if link and link["kind"] == "intercepted":
        raise Refused(N_("Dispatch is held: this order is under group fault %(fault_no)s. Tell the caller: %(wording)s"),
                      fault_no=link["fault_no"], wording=link["wording"])


def for_phone(db, order_id):
    """What the technician's phone shows about a group fault over this order (None when there is none)."""
    link = active_link(db, order_id)
    if link is None:
        return None
    return {"fault_no": link["fault_no"], "kind": link["kind"], "status": link["status"], "wording": link["wording"],
            "expected_recovery_at": link["expected_recovery_at"], "district": link["district"],
            "community": link["community"], "building": link["building"], "cause": link["cause"]}


def release(db, link_id, outcome, now):
    """End one link: 'closed', 'released' (to dispatch) or 'unflagged'."""
    db.conn.execute("UPDATE group_fault_links SET released_at = ?, outcome = ? WHERE id = ?",
                    [to_text(now), outcome, link_id])
