"""The installed equipment recorded (issue 21 item 10): an installation is returned with the ONT serial and the LOID
or SN it registered with (and the router), and a later repair at the same account sees it on the desk and the phone."""

import pytest

from tests.test_order_flow import local_input, new_order, state

# An installation's closure reply (webapp/orders/forms.py InstallationReplyForm): what was installed, not a fault.
INSTALLATION_REPLY = {"arrival_time": local_input(-60), "handling_process": "入户放皮线，安装光猫和路由器，开通宽带",
                      "port": "3栋 OBD-02 第5口", "rx_power": "-19.6", "download_mbps": "948",
                      "recovery_time": local_input(-5), "customer_accepted": True}

INSTALLED = {"installed_ont_model": "HG8145V5", "installed_ont_serial": "48575443ABCD1234", "loid": "gz0012345",
             "registration_sn": "", "router_model": "TP-Link AX3000", "router_serial": "22123Q7000123"}


def returned_installation(login, phone, user_ids, closure):
    order_id = new_order(login, user_ids, order_type="installation", symptom="new_install", due_date="2026-12-31",
                         broadband_account="gz0012345")
    tech = phone("techb")
    tech.restore(order_id)
    return order_id, tech, tech.act(order_id, "returned", fields={**INSTALLATION_REPLY, "holder_informed": True, **closure})


@pytest.mark.parametrize("closure, ok", [
    (INSTALLED, True),
    ({**INSTALLED, "loid": "", "registration_sn": "48575443ABCD1234"}, True),   # registered by SN
    ({**INSTALLED, "loid": ""}, False),                                         # neither LOID nor SN
    ({**INSTALLED, "installed_ont_serial": ""}, False),
    ({}, False),
])
def test_an_installation_names_what_it_left(login, phone, user_ids, db, closure, ok):
    order_id, _tech, result = returned_installation(login, phone, user_ids, closure)
    assert (result["status"] == "applied") is ok, result
    rows = list(db.query("SELECT * FROM installed_equipment WHERE order_id = ?", [order_id]))
    assert len(rows) == int(ok)
    if ok:
        assert state(db, order_id)["ont_serial"] == "48575443ABCD1234"


def test_a_later_repair_sees_what_is_on_site(login, phone, user_ids, db):
    installation, tech, result = returned_installation(login, phone, user_ids, INSTALLED)
    assert result["status"] == "applied"
    repair = new_order(login, user_ids, broadband_account="gz0012345")
    page = login("disp").get(f"/orders/{repair}").text
    assert 'id="installed-on-site"' in page and "gz0012345" in page and "TP-Link AX3000" in page
    pulled = tech.pull(cursor=None)
    bundle = next(c["data"] for c in pulled["changes"] if c["table"] == "orders" and c["id"] == repair)
    assert bundle["installed"]["ont_serial"] == "48575443ABCD1234" and bundle["installed"]["loid"] == "gz0012345"
    # A repair at another account sees nothing.
    other = new_order(login, user_ids, broadband_account="gz999")
    assert 'id="installed-on-site"' not in login("disp").get(f"/orders/{other}").text
