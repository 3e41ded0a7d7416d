"""The closure reply the complaint system accepts (issue 21 item 3; domain reference §6.4, §9.2 item 15):
handler and phone, other specialties with arrival and recovery times, replaced equipment as rows, and the
operator's own fault classification list."""
import json
import re

import pytest

from webapp.complaints import closure
from tests.test_order_flow import CLOSURE, local_input, new_order, state

BASE = {key: value for key, value in CLOSURE.items() if key != "equipment_replaced"}


def on_site(login, phone, user_ids):
    order_id = new_order(login, user_ids)
    tech = phone("techb")
    tech.restore(order_id)
    return order_id, tech


@pytest.mark.parametrize("row, bad", [
    ({"faulty_model": "HG8245H", "faulty_qty": 1, "new_model": "HG8145V5", "new_qty": 1}, set()),
    ({"faulty_model": "HG8245H", "faulty_qty": 1, "new_model": "", "new_qty": 1}, {"new_model"}),
    ({"faulty_model": "HG8245H", "faulty_qty": 0, "new_model": "HG8145V5", "new_qty": 1000}, {"faulty_qty", "new_qty"}),
    ({"faulty_model": "", "faulty_qty": None, "new_model": "", "new_qty": None}, set()),
])
def test_equipment_rows(row, bad):
    assert {key for key, _m in closure.check_equipment_row(row)} == bad


def test_equipment_is_listed_or_declared_none_on_the_phone(login, phone, user_ids, db):
    order_id, tech = on_site(login, phone, user_ids)
    refused = tech.act(order_id, "returned", fields={**BASE, "holder_informed": True})
    assert refused["status"] == "rejected" and ("更换" in refused["error"] or "replaced" in refused["error"]), refused
    half = {"equipment-0-faulty_model": "HG8245H", "equipment-0-faulty_qty": "1", "equipment-0-new_model": "HG8145V5"}
    refused = tech.act(order_id, "returned", fields={**BASE, **half, "holder_informed": True})
    assert refused["status"] == "rejected"
    specialty = {"specialties-0-specialty": "传输", "specialties-0-arrival_time": local_input(-50),
                 "specialties-0-recovery_time": local_input(-55)}  # recovered before it arrived
    full = {**BASE, **half, "equipment-0-new_qty": "1", "holder_informed": True}
    assert tech.act(order_id, "returned", fields={**full, **specialty})["status"] == "rejected"
    specialty["specialties-0-recovery_time"] = local_input(-20)
    assert tech.act(order_id, "returned", fields={**full, **specialty})["status"] == "applied"
    stored = json.loads(state(db, order_id)["closure"])
    assert stored["equipment"] == [{"faulty_model": "HG8245H", "faulty_qty": 1, "new_model": "HG8145V5", "new_qty": 1}]
    assert stored["equipment_replaced"] == "HG8245H × 1 → HG8145V5 × 1"
    assert stored["specialties"][0]["specialty"] == "传输"
    assert stored["handler"] == "技术员 B" and stored["handler_phone"] == "13800000000"  # the person returning it
    page = login("disp").get(f"/orders/{order_id}").text
    assert "故障处理人员及电话：技术员 B 13800000000" in page
    assert "其他专业：传输（到达" in page and "更换设备：HG8245H × 1 → HG8145V5 × 1" in page
    assert "故障分类：皮线/光纤" in page or "故障分类：Drop cable / fibre" in page


def test_a_phone_before_issue_21_still_returns_with_its_text(login, phone, user_ids, db):
    order_id, tech = on_site(login, phone, user_ids)
    assert tech.act(order_id, "returned", fields={**CLOSURE, "holder_informed": True})["status"] == "applied"
    assert json.loads(state(db, order_id)["closure"])["equipment_replaced"] == "无"


def test_the_operator_configures_the_fault_classes(login, phone, user_ids, db):
    boss = login("boss")
    assert login("disp").get("/complaints/fault-classes").status_code == 403
    assert boss.get("/complaints/fault-classes").status_code == 200
    added = boss.post("/complaints/fault-classes", {"code": "splitter", "name_zh": "分光器", "name_en": "Splitter",
                                                    "position": "15", "active": "y"})
    assert added.status_code == 303
    retired = boss.post("/complaints/fault-classes", {"code": "drop_cable", "name_zh": "皮线/光纤", "name_en": "Drop cable / fibre",
                                                      "position": "10"})
    assert retired.status_code == 303
    assert boss.post("/complaints/fault-classes", {"code": "Bad Code!", "name_zh": "x", "name_en": "x"}).status_code == 422
    order_id, tech = on_site(login, phone, user_ids)
    page = tech.session.get("/jobs/").text
    boot = json.loads(re.search(r'<script type="application/json" id="boot">(.*?)</script>', page, re.S).group(1))
    offered = [code for code, _name in boot["closure_classes"]]
    assert offered[:2] == ["splitter", "ont"] and "drop_cable" not in offered
    retired_class = tech.act(order_id, "returned", fields={**CLOSURE, "holder_informed": True})
    assert retired_class["status"] == "rejected", retired_class
    assert tech.act(order_id, "returned", fields={**CLOSURE, "classification": "splitter", "holder_informed": True})["status"] == "applied"
