"""An installation's closure reply (装机回单) reports what was installed and opened, not a fault (domain reference
§6.2, §7.3 steps 6–7): the equipment, the port, the commissioning tests, the acceptance; its step reads 已装通."""
import json

import pytest

from tests.test_installed_equipment import INSTALLATION_REPLY, INSTALLED, returned_installation
from tests.test_order_flow import CLOSURE, new_order, state
from webapp.orders import lifecycle


def test_an_installation_is_returned_with_what_was_installed_tested_and_accepted(login, phone, user_ids, db):
    order_id, _tech, result = returned_installation(login, phone, user_ids, {**INSTALLED, "other_tests": "IPTV 正常"})
    assert result["status"] == "applied", result
    reply = json.loads(state(db, order_id)["closure"])
    assert reply["port"] == "3栋 OBD-02 第5口" and reply["customer_accepted"] is True and reply["result"] == "installed"
    assert reply["tests"] == {"rx_power_dbm": -19.6, "download_mbps": 948.0, "other": "IPTV 正常"}
    assert reply["installed"]["ont_serial"] == "48575443ABCD1234" and reply["holder_informed"] is True
    assert not {"phenomenon", "cause", "classification", "equipment_replaced", "specialties"} & set(reply)


def test_the_desk_shows_an_installation_reply_and_timeline_in_installation_words(login, phone, user_ids):
    order_id, _tech, result = returned_installation(login, phone, user_ids, INSTALLED)
    assert result["status"] == "applied", result
    page = login("disp").get(f"/orders/{order_id}").text
    timeline = page[page.index('class="card timeline"'):]
    assert "已装通" in timeline and "已装通待确认" in timeline and "已修复" not in timeline
    reply = page[page.index('class="card closure"'):page.index("</section>", page.index('class="card closure"'))]
    assert "安装开通内容" in reply and "3栋 OBD-02 第5口" in reply and "收光功率 -19.6 dBm" in reply and "948 Mbit/s" in reply
    assert "客户已现场测试并验收" in reply
    assert "故障现象" not in reply and "故障分类" not in reply and "原因" not in reply and 'id="emos-reply"' not in page


def test_a_repairs_timeline_still_says_repaired(login, phone, user_ids):
    order_id = new_order(login, user_ids)
    tech = phone("techb")
    tech.restore(order_id)
    timeline = login("disp").get(f"/orders/{order_id}").text.split('class="card timeline"')[1]
    assert "已修复" in timeline and "已装通" not in timeline


@pytest.mark.parametrize("change, words", [
    ({"port": ""}, "接入端口"),
    ({"rx_power": "-30.5"}, "−28 至 −8 dBm"),                 # outside the §4.1 standard range
    ({"rx_power": "很好"}, "请输入数字"),
    ({"download_mbps": ""}, "下行速率"),
    ({"customer_accepted": False}, "验收"),
    ({"holder_informed": False}, "业务已装通"),               # the server's words: installed, not repaired
    ({"loid": "", "registration_sn": ""}, "LOID 或 SN"),
])
def test_an_installation_reply_missing_a_part_is_refused_in_installation_words(login, phone, user_ids, db, change, words):
    order_id, _tech, result = returned_installation(login, phone, user_ids, {**INSTALLED, **change})
    assert result["status"] == "rejected", result
    assert words in json.dumps(result, ensure_ascii=False), result
    assert "修复" not in json.dumps(result, ensure_ascii=False)
    assert state(db, order_id)["state"] == "restored"


def test_a_full_width_reading_typed_on_a_chinese_keyboard_is_read(login, phone, user_ids, db):
    order_id, _tech, result = returned_installation(login, phone, user_ids, {**INSTALLED, "rx_power": "－２１．５"})
    assert result["status"] == "applied", result
    assert json.loads(state(db, order_id)["closure"])["tests"]["rx_power_dbm"] == -21.5


def test_a_fault_reply_is_not_an_installation_reply(login, phone, user_ids):
    """A repair's reply sent for an installation misses what an installation reports."""
    _order_id, _tech, result = returned_installation(login, phone, user_ids, {
        **{k: "" for k in INSTALLATION_REPLY}, **CLOSURE, **INSTALLED, "customer_accepted": False})
    assert result["status"] == "rejected", result


def test_the_state_machine_words_its_refusals_by_order_type():
    installation = {"order_type": "installation", "access_type": "home",
                    "closure": {"arrival_time": "x", "process": "x", "port": "x", "tests": {"rx_power_dbm": -20},
                                "recovery_time": "2026-12-01 10:00", "customer_accepted": True,
                                "installed": {"ont_serial": "S", "loid": "L"}}}
    with pytest.raises(lifecycle.Refused) as refused:
        lifecycle.check("return", "restored", "technician", is_assignee=True, fields=installation)
    assert "installed and working" in refused.value.message and "repaired" not in refused.value.message
    enterprise = {**installation, "access_type": "enterprise"}
    with pytest.raises(lifecycle.Refused) as refused:
        lifecycle.check("return", "restored", "technician", is_assignee=True, fields=enterprise)
    assert "installation" in refused.value.message and "restoration" not in refused.value.message
    repair = {"order_type": "repair", "access_type": "home",
              "closure": {k: "x" for k in lifecycle.CLOSURE_FIELDS}}
    with pytest.raises(lifecycle.Refused) as refused:
        lifecycle.check("return", "restored", "technician", is_assignee=True, fields=repair)
    assert "repaired" in refused.value.message
    assert lifecycle.check("return", "restored", "technician", is_assignee=True,
                           fields={**installation, "closure": {**installation["closure"], "holder_informed": True}}) == "returned"


def test_the_reply_forms_share_their_ending_in_each_order_types_words(app):
    """One ending (handler, phone, confirmation, holder told, why unsigned, confirmed by/at, equipment on site) for both
    replies, labelled in each one's words: a mistake in it is named as the technician's form names it."""
    from webapp.orders import forms
    with app.test_request_context():
        installation = forms.InstallationReplyForm(meta={"csrf": False})
        repair = forms.ClosureForm(meta={"csrf": False})
        assert str(installation.handler_phone.label.text) == "装机人员电话" and str(repair.handler_phone.label.text) == "处理人员电话"
        assert "装通" in str(installation.holder_informed.label.text) and "修复" in str(repair.holder_informed.label.text)
        assert installation.installed_ont_serial.flags.required and not repair.installed_ont_serial.flags.required
        ending = {"handler", "handler_phone", "confirmation", "holder_informed", "unsigned_reason", "confirmed_by", "confirmed_at"}
        assert ending <= set(installation._fields) and ending <= set(repair._fields)
        # the repair's words stay on the repair after an installation form was made (no label shared between them)
        assert str(forms.ClosureForm(meta={"csrf": False}).handler.label.text) == "故障处理人员"


def test_a_bad_installer_phone_is_named_in_installation_words(login, phone, user_ids):
    _order_id, _tech, result = returned_installation(login, phone, user_ids, {**INSTALLED, "handler_phone": "call me"})
    assert result["status"] == "rejected" and "装机人员电话" in result["error"], result
