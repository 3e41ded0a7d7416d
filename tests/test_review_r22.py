"""Review r22: failing tests reproducing bugs found in issue 22's administration."""
import datetime

from webapp.db import transaction
from webapp.orders import store
from webapp.timeutil import from_text, zone

SHANGHAI = zone("Asia/Shanghai")


def test_a_holiday_after_a_deadline_does_not_move_it_after_the_policy_amount_changed(login, db, user_ids):
    # A complaint received Thu 30 Sep 2027 16:00: 5 working days (seeded 1-3 Oct off) end Fri 8 Oct.
    created = datetime.datetime(2027, 9, 30, 16, 0, tzinfo=SHANGHAI)
    with transaction(db):
        order_id = store.create_order(db, {"order_type": "complaint", "access_type": "ftth", "symptom": "slow",
                                           "customer_name": "李女士", "contact_phone": "13800000002", "district": "东城区"},
                                      user_ids["disp"], created, SHANGHAI)

    def due():
        row = db.execute_returning_dicts("SELECT due_at FROM order_clocks WHERE order_id = ? AND policy_code = "
                                         "'complaint_investigation'", [order_id])[0]
        return from_text(row["due_at"]).astimezone(SHANGHAI).date()
    assert due() == datetime.date(2027, 10, 8)
    boss = login("boss")
    # The supervisor lengthens the policy: "clocks started from now on use it" -- this clock keeps 5 days.
    assert boss.post("/admin/policies/complaint_investigation", {"amount": "10", "warn_minutes": "480",
                                                                 "escalate_role": "supervisor", "active": "1"}).status_code == 303
    assert due() == datetime.date(2027, 10, 8)
    # A holiday on Tue 12 Oct, after this clock's deadline, must not move it.
    response = boss.post("/admin/holidays?year=2027", {"year": "2027", "workdays": "",
                                                       "holidays": "2027-01-01 元旦\n2027-10-01 ~ 2027-10-03 国庆节\n2027-10-12 test"})
    assert response.status_code == 303, response.text
    assert due() == datetime.date(2027, 10, 8)  # fails: moved to 11 Oct (recomputed with the new amount of 10)
