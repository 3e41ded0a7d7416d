"""The closure reply in the EMOS fault-reply template (EMOS工单回复模板, domain reference §6.4; §9.2 item 15).

Plain Python. The reply names the handler and phone, the other specialties involved with their
arrival and recovery times, and replaced equipment as faulty model × quantity → replacement
model × quantity (seed 002_773505b4e61b5741.txt). `reply_text` lays it out in the template's order
so the desk can paste it into the complaint system as it stands.
"""
import datetime


def N_(message):
    """Mark a message for translation without translating it here."""
    return message


MAX_QUANTITY = 999


def _blank(row, keys):
    return not any(str(row.get(key) or "").strip() for key in keys)


EQUIPMENT_KEYS = ("faulty_model", "faulty_qty", "new_model", "new_qty")
SPECIALTY_KEYS = ("specialty", "arrival_time", "recovery_time")


def check_equipment_row(row):
    """Check one replaced-equipment row; return problems [(key, message)]. A blank row has none."""
    if _blank(row, EQUIPMENT_KEYS):
        return []
    problems = []
    for model, qty in (("faulty_model", "faulty_qty"), ("new_model", "new_qty")):
        if not str(row.get(model) or "").strip():
            problems.append((model, N_("Give the model.")))
        quantity = row.get(qty)
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            problems.append((qty, N_("Give the quantity, 1 to 999.")))
    return problems


def check_specialty_row(row):
    """Check one other-specialty row: its name, when it arrived and when it recovered (recovery not before arrival)."""
    if _blank(row, SPECIALTY_KEYS):
        return []
    problems = []
    if not str(row.get("specialty") or "").strip():
        problems.append(("specialty", N_("Name the specialty (for example transmission, power, OLT).")))
    arrival, recovery = row.get("arrival_time"), row.get("recovery_time")
    if not isinstance(arrival, datetime.datetime):
        problems.append(("arrival_time", N_("Give the time the specialty arrived.")))
    if not isinstance(recovery, datetime.datetime):
        problems.append(("recovery_time", N_("Give the time the specialty recovered its part.")))
    elif isinstance(arrival, datetime.datetime) and recovery < arrival:
        problems.append(("recovery_time", N_("The recovery time cannot be before the arrival time.")))
    return problems


def equipment_text(rows):
    """Write replaced equipment the template's way: "HG8245H × 1 → HG8145V5 × 1；…" (empty list: "")."""
    return "；".join(f"{r['faulty_model']} × {r['faulty_qty']} → {r['new_model']} × {r['new_qty']}" for r in rows)


def reply_text(closure, classification_name):
    """Return the closure reply as the EMOS template's lines (Chinese, as the complaint system expects).

    `closure` is the stored closure dict (phenomenon, arrival_time, cause, process, specialties,
    equipment / equipment_replaced, result, recovery_time, handler, handler_phone).
    """
    specialties = "；".join(f"{s['specialty']}（到达 {s['arrival_time']}，恢复 {s['recovery_time']}）"
                           for s in closure.get("specialties") or [])
    equipment = equipment_text(closure.get("equipment") or []) or closure.get("equipment_replaced") or "无"
    result = {"recovered": "已恢复", "not_recovered": "未恢复"}.get(closure.get("result"), closure.get("result") or "")
    handler = " ".join(part for part in (closure.get("handler"), closure.get("handler_phone")) if part)
    return "\n".join([
        f"故障现象：{closure.get('phenomenon') or ''}",
        f"到达时间：{closure.get('arrival_time') or ''}",
        f"处理过程：原因：{closure.get('cause') or ''}；{closure.get('process') or ''}"
        f"；其他专业：{specialties or '无'}；更换设备：{equipment}",
        f"处理结果：{result}",
        f"故障恢复时间：{closure.get('recovery_time') or ''}",
        f"故障处理人员及电话：{handler}",
        f"故障分类：{classification_name or closure.get('classification') or ''}",
    ])
