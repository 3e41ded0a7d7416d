"""Review rv1: the desk's new-order form gives an installation (装机) the symptom 新装, never a fault's.

The form's symptom list opens on "无法上网"; a dispatcher who picked 装机 and left it had the technician's card read
"装机 · 无法上网" and the job page "问题现象 无法上网". An installation's symptom is 新装 (labels.SYMPTOMS
"new_install", the demo's rule in webapp/demo.py); 新装 on a repair or complaint is refused with a sentence.
"""
import datetime

from webapp.db import one
from tests.test_order_flow import ORDER

DUE = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()


def test_an_installation_left_on_the_default_symptom_is_a_new_installation(login, db):
    desk = login("disp")
    response = desk.post("/orders/new", {**ORDER, "order_type": "installation", "symptom": "no_service", "due_date": DUE})
    assert response.status_code == 303, response.text
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert one(db, "SELECT symptom FROM orders WHERE id = ?", [order_id])["symptom"] == "new_install"


def test_a_repair_cannot_be_a_new_installation(login, db):
    desk = login("disp")
    response = desk.post("/orders/new", {**ORDER, "order_type": "repair", "symptom": "new_install"})
    assert response.status_code == 422
    assert "新装" in response.text and "装机" in response.text
