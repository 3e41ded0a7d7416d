"""Orders the desk can finish (issue 21 item 4): correct the details, cancel a duplicate, close an order solved
without a visit (§6.12's remote path), send a misdispatched order back to the queue (派单驳回, §6.3)."""
import json

import pytest

from tests.test_order_flow import ORDER, new_order, state


def events(db, order_id):
    return [e["action"] for e in db.query("SELECT action FROM order_events WHERE order_id = ? ORDER BY id", [order_id])]


def running_clocks(db, order_id):
    return next(iter(db.query("SELECT COUNT(*) AS n FROM order_clocks WHERE order_id = ? AND stopped_at IS NULL", [order_id])))["n"]


def test_correct_the_details_keeps_before_and_after(login, user_ids, db, phone):
    desk = login("disp")
    order_id = new_order(login, user_ids, desk)
    assert desk.get(f"/orders/{order_id}/edit").status_code == 200
    form = {**ORDER, "contact_phone": "13900000001", "unit": "5单元101"}
    form.pop("order_type"), form.pop("access_type")
    tech = phone("techb")
    tech.pull()
    base = state(db, order_id)["version"]
    response = desk.post(f"/orders/{order_id}/edit", form)
    assert response.status_code == 303, response.text
    order = state(db, order_id)
    assert order["contact_phone"] == "13900000001" and order["unit"] == "5单元101" and order["order_type"] == "repair"
    edit = next(iter(db.query("SELECT details FROM order_events WHERE order_id = ? AND action = 'edit'", [order_id])))
    assert json.loads(edit["details"])["contact_phone"] == ["13800000009", "13900000001"]
    # A technician's step queued before the correction still applies.
    accepted = tech.push([tech.mutation("order.transition", {"order_id": order_id, "to": "accepted"}, base_version=base)])
    assert accepted.json["results"][0]["status"] == "applied", accepted.json
    assert desk.post(f"/orders/{order_id}/edit", {**form, "contact_phone": "not a phone"}).status_code == 422
    assert login("techb").get(f"/orders/{order_id}/edit").status_code == 403


def test_cancel_a_duplicate(login, user_ids, db):
    desk = login("disp")
    original = new_order(login, user_ids, desk, broadband_account="bj0000777")
    duplicate = new_order(login, user_ids, desk, community="幸福里", building="3号楼", unit="2单元", broadband_account="bj0000777")
    stranger = new_order(login, user_ids, desk, community="幸福里", building="3号楼", unit="3单元", broadband_account="bj0000888")
    finished = new_order(login, user_ids, desk, broadband_account="bj0000777")
    db.conn.execute("UPDATE orders SET state = 'closed' WHERE id = ?", [finished])
    original_no = state(db, original)["order_no"]
    # another customer (account and full address both differ) is refused, and the message says why
    response = desk.post(f"/orders/{duplicate}/act/cancel_duplicate", {"duplicate_of": state(db, stranger)["order_no"]})
    assert response.status_code == 409 and "宽带账号" in response.text
    response = desk.post(f"/orders/{duplicate}/act/cancel_duplicate", {"duplicate_of": state(db, finished)["order_no"]})
    assert response.status_code == 409 and "已结束" in response.text
    # the same full address with no account in common is the same customer
    same_flat = new_order(login, user_ids, desk, community="幸福里", building="3号楼", unit="3单元")
    assert desk.post(f"/orders/{same_flat}/act/cancel_duplicate", {"duplicate_of": state(db, stranger)["order_no"]}).status_code == 303
    for bad in ("WO-00000000-0000", state(db, duplicate)["order_no"], ""):
        response = desk.post(f"/orders/{duplicate}/act/cancel_duplicate", {"duplicate_of": bad})
        assert response.status_code in (409, 422), bad
    assert state(db, duplicate)["state"] == "dispatched"
    assert desk.post(f"/orders/{duplicate}/act/cancel_duplicate", {"duplicate_of": original_no.lower()}).status_code == 303
    order = state(db, duplicate)
    assert order["state"] == "cancelled" and order["duplicate_of_id"] == original and running_clocks(db, duplicate) == 0
    assert f'href="/orders/{original}"' in desk.get(f"/orders/{duplicate}").text
    # the queue no longer shows it, and the original cannot be cancelled as a duplicate of it
    assert state(db, duplicate)["order_no"] not in desk.get("/dispatch/").text
    assert desk.post(f"/orders/{original}/act/cancel_duplicate", {"duplicate_of": order["order_no"]}).status_code == 409


def test_close_an_order_solved_remotely(login, user_ids, db):
    desk = login("disp")
    order_id = new_order(login, user_ids, desk)
    form = {"method": "remote", "phenomenon": "拨号 691", "cause": "账号欠费停机，缴费后未复机", "handling_process": "后台复机，客户重新拨号成功",
            "classification": "account"}
    assert desk.post(f"/orders/{order_id}/act/close_remotely", form).status_code == 422   # the customer's confirmation
    assert desk.post(f"/orders/{order_id}/act/close_remotely", {**form, "customer_confirmed": "y"}).status_code == 303
    order = state(db, order_id)
    closure = json.loads(order["closure"])
    assert order["state"] == "returned" and closure["remote_method"] == "remote" and closure["handler"] == "调度员 甲"
    assert running_clocks(db, order_id) == 0
    assert next(iter(db.query("SELECT COUNT(*) AS n FROM callbacks WHERE order_id = ?", [order_id])))["n"] == 1


@pytest.mark.parametrize("reason_code, details, status", [
    ("not_our_department", "", 303), ("other", "", 422), ("other", "用户要求改派到西区", 303), ("nonsense", "", 422),
])
def test_send_a_misdispatched_order_back_to_the_queue(login, user_ids, db, reason_code, details, status):
    desk = login("disp")
    order_id = new_order(login, user_ids, desk)
    response = desk.post(f"/orders/{order_id}/act/return_to_queue", {"reason_code": reason_code, "reason": details})
    assert response.status_code == status
    if status == 303:
        order = state(db, order_id)
        assert order["state"] == "rejected"
        reason = next(iter(db.query("SELECT reason FROM order_events WHERE order_id = ? AND action = 'return_to_queue'", [order_id])))["reason"]
        assert reason and (details in reason)
        # back in the queue: it can be dispatched again
        assert desk.post(f"/orders/{order_id}/act/dispatch", {"technician_id": str(user_ids["techa"])}).status_code == 303
    assert login("techb").post(f"/orders/{order_id}/act/return_to_queue", {"reason_code": "wrong_area"}).status_code in (403, 404)


def test_an_installation_is_not_closed_without_a_visit(login, user_ids, db):
    """§2.10's remote handling answers faults and complaints; an installation is installed, tested and accepted at the
    address (§6.2, §7.3 steps 2, 6–7): the desk is not offered a remote close for it, and one sent anyway is refused
    with the reason, in installation words, before any fault field is asked for."""
    desk = login("disp")
    repair = new_order(login, user_ids, desk)
    installation = new_order(login, user_ids, desk, order_type="installation", symptom="new_install", due_date="2027-01-15")
    assert 'data-action="close_remotely"' in desk.get(f"/orders/{repair}").text
    page = desk.get(f"/orders/{installation}").text
    assert 'data-action="close_remotely"' not in page and 'data-action="cancel_duplicate"' in page
    form = {"method": "remote", "phenomenon": "新装", "cause": "后台已开通账号", "handling_process": "远程开通",
            "classification": "account", "customer_confirmed": "y"}
    for sent in (form, {}):
        response = desk.post(f"/orders/{installation}/act/close_remotely", sent)
        assert response.status_code == 409, response.text
        said = response.text.split('id="errors"')[1].split("</div>")[0]
        assert "装机工单不能不上门就关闭" in said and "故障" not in said, said
    order = state(db, installation)
    assert order["state"] == "dispatched" and order["closure"] in (None, "") and running_clocks(db, installation) > 0
    assert "close_remotely" not in events(db, installation)


def test_the_state_machine_refuses_a_remote_close_by_order_type():
    from webapp.orders import lifecycle
    assert "close_remotely" not in lifecycle.allowed_actions("dispatched", "dispatcher", order_type="installation")
    assert "close_remotely" in lifecycle.allowed_actions("dispatched", "dispatcher", order_type="complaint")
    with pytest.raises(lifecycle.Refused) as refused:
        lifecycle.check("close_remotely", "dispatched", "dispatcher", fields={"order_type": "installation", "closure": {"x": 1}})
    assert "installation" in refused.value.message and "visit" in refused.value.message
    assert lifecycle.check("close_remotely", "dispatched", "dispatcher",
                           fields={"order_type": "repair", "closure": {"x": 1}}) == "returned"
