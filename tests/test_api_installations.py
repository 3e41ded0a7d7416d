"""Installations raised through /api/v1 carry their due date, so the §7.3 warnings run as for one typed at the desk
(domain reference §7.3 step 5; the desk's rule, webapp/orders/forms.py OrderForm): required for an installation, not in
the past, none on a repair; a bad value is a 422 problem naming `due_date`, never a 500."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.test_api import ORDER, crm  # noqa: F401 (the fixture)
from webapp.installations.rules import due_from_date
from webapp.timeutil import to_text

TZ = ZoneInfo("Asia/Shanghai")
INSTALLATION = {**ORDER, "external_id": "CRM-NEW-0001", "order_type": "installation", "symptom": "new_install"}


def today():
    return datetime.datetime.now(TZ).date()


def clocks(db, order_id):
    return {c["policy_code"]: c for c in db.query("SELECT * FROM order_clocks WHERE order_id = ?", [order_id])}


def test_an_installation_sent_with_its_due_date_gets_the_warning_clock(crm, db, login):  # noqa: F811
    due_day = today() + datetime.timedelta(days=20)
    response = crm.post("/api/v1/orders", json={**INSTALLATION, "due_date": due_day.isoformat()})
    assert response.status_code == 201, response.text
    due = due_from_date(due_day, TZ)
    assert response.json["due_at"] == to_text(due)
    running = clocks(db, response.json["id"])
    assert running["installation_due"]["due_at"] == to_text(due)
    assert running["installation_due"]["warn_at"] == to_text(due - datetime.timedelta(weeks=1))
    assert "installation_progress" not in running           # a home FTTH line: no circuit warning (§7.3 is for circuits)
    assert crm.post("/api/v1/orders", json={**INSTALLATION, "due_date": due_day.isoformat()}).status_code == 200  # same create
    assert crm.post("/api/v1/orders", json={**INSTALLATION, "due_date": (due_day + datetime.timedelta(days=1)).isoformat()}
                    ).status_code == 409                   # the same id with another date is another create
    page = login("disp").get(f"/orders/{response.json['id']}").text
    assert 'id="installation-due"' in page and "无要求完成时间" not in page and "no due date" not in page
    urgent = crm.post("/api/v1/orders", json={**INSTALLATION, "external_id": "CRM-NEW-0002", "priority": "urgent",
                                              "due_date": due_day.isoformat()})
    assert clocks(db, urgent.json["id"])["installation_due"]["warn_at"] == to_text(due - datetime.timedelta(days=3))
    repair = crm.post("/api/v1/orders", json={**ORDER, "external_id": "CRM-R-1"})
    assert repair.status_code == 201 and repair.json["due_at"] is None


def test_today_is_a_due_date(crm, db):  # noqa: F811
    response = crm.post("/api/v1/orders", json={**INSTALLATION, "due_date": today().isoformat()})
    assert response.status_code == 201, response.text
    assert response.json["due_at"] == to_text(due_from_date(today(), TZ))


@pytest.mark.parametrize("change, words", [
    ({}, "needs its due date"),
    ({"due_date": None}, "needs its due date"),
    ({"due_date": "yesterday"}, "date"),
    ({"due_date": "2026-13-01"}, "date"),
    ({"due_date": "31/12/2026"}, "date"),
    ({"due_date": "2026-12-31T10:00:00Z"}, "date"),
    ({"due_date": 20261231}, "date"),
    ({"due_date": "1969-12-31"}, "between 1970 and 2999"),
    ({"due_date": "2020-01-01"}, "cannot be in the past"),
    ({"due_date": "past"}, "cannot be in the past"),
])
def test_a_bad_due_date_is_a_clear_problem(crm, db, change, words):  # noqa: F811
    if change.get("due_date") == "past":
        change = {"due_date": (today() - datetime.timedelta(days=1)).isoformat()}
    body = {**INSTALLATION, **change}
    response = crm.post("/api/v1/orders", json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json", response.text
    assert response.json["code"] == "invalid" and list(response.json["errors"]) == ["due_date"], response.json
    assert words in " ".join(response.json["errors"]["due_date"]), response.json
    assert db.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0


def test_a_repair_has_no_due_date(crm, db):  # noqa: F811
    response = crm.post("/api/v1/orders", json={**ORDER, "due_date": (today() + datetime.timedelta(days=5)).isoformat()})
    assert response.status_code == 422 and "Only an installation order" in response.json["errors"]["due_date"][0]


def test_a_batch_carries_each_installations_due_date(crm, db):  # noqa: F811
    days = [today() + datetime.timedelta(days=n) for n in (3, 30)]
    batch = [{**INSTALLATION, "external_id": f"CRM-B-{n}", "due_date": day.isoformat()} for n, day in enumerate(days)]
    response = crm.post("/api/v1/orders/batch", json={"orders": batch})
    assert response.status_code == 200, response.text
    ids = [item["order"]["id"] for item in response.json["results"]]
    assert [clocks(db, i)["installation_due"]["due_at"] for i in ids] == [to_text(due_from_date(d, TZ)) for d in days]
    missing = crm.post("/api/v1/orders/batch", json={"orders": [{**INSTALLATION, "external_id": "CRM-B-9"}]})
    assert missing.status_code == 422 and "due_date" in str(missing.json["errors"])


def test_the_openapi_document_describes_the_due_date(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    create = next(s for name, s in schemas.items() if name.startswith("OrderCreate"))
    assert create["properties"]["due_date"]["format"] == "date" and "installation" in create["properties"]["due_date"]["description"]
    order = next(s for name, s in schemas.items() if name == "Order")
    assert "due_at" in order["properties"]
