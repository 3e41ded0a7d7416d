"""Follow-ups that someone owns (issue 21 item 5; §6.2 #6, §9.2 item 18): a dissatisfied callback's follow-up has an
owner, a due time, a done state and a list, and its owner gets a notice."""
import datetime

import pytest

from tests.test_signoff import answer, returned_order


@pytest.mark.parametrize("fields, kind, owner", [
    ({"solved": "yes", "attitude": "dissatisfied", "score": "7", "cause": "technician"}, "supervisor_fix", "boss"),
    ({"solved": "yes", "attitude": "satisfied", "score": "3", "cause": "business"}, "marketing", "boss"),
    ({"solved": "yes", "attitude": "satisfied", "score": "4", "cause": "network"}, "revisit", "disp"),
])
def test_each_follow_up_has_an_owner_a_due_time_and_a_notice(login, user_ids, db, app, fields, kind, owner):
    order_id = returned_order(login, user_ids, db, app, 1)
    callback_id = db.execute("SELECT id FROM callbacks WHERE order_id = ?", [order_id]).fetchone()[0]
    assert answer(login("disp"), callback_id, **fields).status_code == 303
    row = next(iter(db.query("SELECT * FROM order_followups WHERE order_id = ?", [order_id])))
    assert row["kind"] == kind and row["owner_id"] == user_ids[owner] and row["done_at"] is None
    due = datetime.datetime.fromisoformat(row["due_at"]) - datetime.datetime.fromisoformat(row["created_at"])
    assert due == datetime.timedelta(days=3)
    notice = next(iter(db.query("SELECT * FROM notices WHERE order_id = ? AND policy_code = ?", [order_id, f"followup_{kind}"])))
    assert notice["user_id"] == user_ids[owner]
    me = login(owner)
    listed = me.get("/followups").text
    assert f"/orders/{order_id}" in listed
    assert me.post(f"/followups/{row['id']}/done", {"outcome": ""}).status_code == 303        # says what to do, nothing changes
    assert next(iter(db.query("SELECT done_at FROM order_followups WHERE id = ?", [row["id"]])))["done_at"] is None
    assert me.post(f"/followups/{row['id']}/done", {"outcome": "已约谈装维人员并回访客户"}).status_code == 303
    done = next(iter(db.query("SELECT * FROM order_followups WHERE id = ?", [row["id"]])))
    assert done["done_at"] and done["done_by"] == user_ids[owner] and "已约谈" in done["outcome"]
    assert f"/orders/{order_id}" not in me.get("/followups").text and f"/orders/{order_id}" in me.get("/followups?done=1").text


def test_only_the_owner_or_a_supervisor_closes_it(login, user_ids, db, app):
    order_id = returned_order(login, user_ids, db, app, 1)
    callback_id = db.execute("SELECT id FROM callbacks WHERE order_id = ?", [order_id]).fetchone()[0]
    answer(login("disp"), callback_id, solved="yes", attitude="dissatisfied", score="7", cause="technician")
    followup_id = db.execute("SELECT id FROM order_followups WHERE order_id = ?", [order_id]).fetchone()[0]
    assert login("disp").post(f"/followups/{followup_id}/done", {"outcome": "不是我的"}).status_code == 404
    assert login("techa").get("/followups").status_code == 403
    assert f"/orders/{order_id}" not in login("disp").get("/followups").text
