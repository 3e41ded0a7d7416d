"""Classification lists and the device catalog: data the desk edits, since lists differ by province.

Seeded on first start (only rows not there yet) from the seeds' lists (domain reference §6.8, §9.2 #15,
#20) and the LED catalog's device models; a supervisor adds entries, renames their labels or retires
them. Codes never change once made, so stored orders keep meaning what they meant.
"""
import re

from ..orders.lifecycle import N_
from ..db import insert, one, transaction
from . import audit
from .people import Invalid, check_text

# list name -> seeded (code, label) pairs, each with its source.
SEED_LISTS = {
    # 004_90cb35396d5b5103.txt: broadband complaint focus areas
    "complaint_focus": [("network_quality", "网络质量"), ("content_quality", "业务质量"), ("service_quality", "服务质量"),
                        ("customer_cause", "客户原因")],
    # 002_773505b4e61b5741.txt: EOMS handling result
    "handling_result": [("solved", "已解决"), ("no_expected_time", "无预计解决时间"), ("unsolved", "未解决")],
    # 002_773505b4e61b5741.txt, 000_41ab61d21fea1cf7.txt: valid / invalid complaint
    "complaint_validity": [("valid", "有效投诉"), ("invalid", "无效投诉")],
    # The closure reply's fault classification (§6.8) has its own bilingual, ordered list:
    # webapp/complaints/fault_classes.py, edited at /complaints/fault-classes (linked from the lists page).
    # the skills dispatch matches on (ONTrack's own list)
    "skill": [("FTTH", "FTTH"), ("FTTB", "FTTB"), ("enterprise", "政企专线"), ("wifi", "无线组网")],
}
CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
DEVICE_KINDS = ("ont", "router", "switch", "transceiver", "other")


def seed(db):
    """Insert the seeded list entries and the LED catalog's models that are not there yet (caller's transaction)."""
    for name, entries in SEED_LISTS.items():
        for code, label in entries:
            db.conn.execute("INSERT OR IGNORE INTO classifications (list, code, label) VALUES (?, ?, ?)", [name, code, label])
    from ..led import catalog
    for model in catalog.models():
        vendor = model.get("vendor") or ""
        db.conn.execute("INSERT OR IGNORE INTO devices (model, vendor, kind, access_types) VALUES (?, ?, 'ont', '')",
                        [model.get("name") or model["id"], vendor])


def entries(db, name, active_only=False):
    """Return one list's entries by code."""
    extra = " AND active = 1" if active_only else ""
    return list(db.query(f"SELECT * FROM classifications WHERE list = ?{extra} ORDER BY id", [name]))


def save_entry(db, actor_id, name, code, label, active, now):
    """Add an entry or change an existing one's label or active flag; audit it. Raises Invalid."""
    if name not in SEED_LISTS:
        raise Invalid(N_("No such list."))
    code, label = (code or "").strip(), (label or "").strip()
    check_text(label)
    if not CODE.match(code):
        raise Invalid(N_("A code is 1 to 40 letters, digits, '-' or '_'."))
    if not 1 <= len(label) <= 60:
        raise Invalid(N_("A label is 1 to 60 characters."))
    with transaction(db):
        before = one(db, "SELECT code, label, active FROM classifications WHERE list = ? AND code = ?", [name, code])
        after = {"code": code, "label": label, "active": int(bool(active))}
        if before == after:
            return False
        if before:
            db.conn.execute("UPDATE classifications SET label = ?, active = ? WHERE list = ? AND code = ?",
                            [label, after["active"], name, code])
        else:
            insert(db, "classifications", {"list": name, **after})
        audit.record(db, actor_id, "classification", f"{name}:{code}", "update" if before else "create", before, after, now)
    return True


def devices(db):
    """Return the device catalog, active first, by model."""
    return list(db.query("SELECT * FROM devices ORDER BY active DESC, model"))


def save_device(db, actor_id, model, vendor, kind, access_types, active, now):
    """Add a device model or change one; audit it. Raises Invalid."""
    model, vendor = (model or "").strip(), (vendor or "").strip()
    check_text(model, vendor)
    if not 1 <= len(model) <= 60 or len(vendor) > 60:
        raise Invalid(N_("A model is 1 to 60 characters, a vendor at most 60."))
    if kind not in DEVICE_KINDS:
        raise Invalid(N_("Choose the kind of device."))
    access = ",".join(a for a in ("ftth", "fttb", "enterprise") if a in (access_types or []))
    with transaction(db):
        row = one(db, "SELECT id, model, vendor, kind, access_types, active FROM devices WHERE model = ?", [model])
        after = {"model": row["model"] if row else model, "vendor": vendor, "kind": kind, "access_types": access,
                 "active": int(bool(active))}
        before = {k: row[k] for k in after} if row else None
        if before == after:
            return False
        if row:
            db.conn.execute("UPDATE devices SET vendor = ?, kind = ?, access_types = ?, active = ? WHERE id = ?",
                            [vendor, kind, access, after["active"], row["id"]])
        else:
            insert(db, "devices", after)
        audit.record(db, actor_id, "device", after["model"], "update" if row else "create", before, after, now)
    return True
