"""Issue 15 items 6 and 7: every new order has a deadline from the seeds' policies, an unassigned
urgent order is on the first page of "needs attention", and the console keeps its filters in the URL."""
import re

from tests.test_offline_browser import ORDER

NEW_ORDER = {k: v for k, v in ORDER.items()}


def create(desk, **changes):
    response = desk.post("/orders/new", {**NEW_ORDER, **changes})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_every_new_order_gets_a_deadline_from_the_seed_policies(login, db):
    desk = login("disp")
    for order_type, access in (("repair", "ftth"), ("installation", "fttb"), ("complaint", "ftth"), ("repair", "enterprise")):
        # An installation order needs its due date (issue 21 item 9).
        # An enterprise order needs its customer grade, line scope, service and circuit id (issue 21 item 11).
        due = {"due_date": "2027-01-15"} if order_type == "installation" else {}
        if access == "enterprise":
            due = {"customer_grade": "provincial", "line_scope": "local", "enterprise_service": "internet_access",
                   "circuit_id": "GZ-ZX-000123"}
        order_id = create(desk, order_type=order_type, access_type=access, **due)
        row = next(iter(db.query("SELECT next_due_at, next_due_policy FROM orders WHERE id = ?", [order_id])))
        assert row["next_due_at"], (order_type, access)
        page = desk.get(f"/orders/{order_id}").text
        assert "此工单无时限要求" not in page and "No time limits" not in page


def test_an_unassigned_urgent_order_is_on_the_first_page_of_needs_attention(login, db, user_ids):
    desk = login("disp")
    for _ in range(60):  # a busy morning: more orders due sooner than one page holds
        create(desk, technician_id=str(user_ids["techa"]))
    db.conn.execute("UPDATE orders SET next_due_at = '2000-01-01T00:00:00Z'")  # all long overdue
    urgent = create(desk, priority="urgent", customer_name="急单客户")
    page = desk.get("/dispatch/").text
    assert f'value="{urgent}"' in page and "急单客户" in page


def test_filters_survive_a_bulk_assignment_and_a_reload(login, db, user_ids):
    desk = login("disp")
    ids = [create(desk, district="西城区") for _ in range(2)]
    console = desk.get("/dispatch/?view=open&district=%E8%A5%BF%E5%9F%8E%E5%8C%BA&order_type=repair").text
    assert re.search(r'name="filter_district"[^>]*value="西城区"', console), "the bulk form carries the filters"
    response = desk.post("/dispatch/assign", {"order_id": [str(i) for i in ids], "technician_id": str(user_ids["techb"]),
                                              "filter_view": "open", "filter_district": "西城区", "filter_order_type": "repair"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "view=open" in location and "district=" in location and "order_type=repair" in location
