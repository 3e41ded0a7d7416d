"""The sync contract's protocol tests (design/sync-protocol.md), on the real SQLite database."""
import json
import uuid

import pytest

ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "赵先生", "contact_phone": "13900000001", "district": "东城区", "community": "幸福里"}


@pytest.fixture
def order_id(login, user_ids, db):
    """A repair order dispatched to techa."""
    desk = login("disp")
    response = desk.post("/orders/new", {**ORDER, "technician_id": str(user_ids["techa"])})
    assert response.status_code == 303, response.text
    return next(iter(db.query("SELECT id FROM orders ORDER BY id DESC LIMIT 1")))["id"]


class Phone:
    """A technician's device speaking the protocol through the test client."""

    def __init__(self, session, client_id=None):
        self.session = session
        self.client_id = client_id or str(uuid.uuid4())
        self.seq = 0
        self.cursor = None

    def mutation(self, name, args, base_version=None, occurred_at=None):
        self.seq += 1
        return {"seq": self.seq, "mutation_id": str(uuid.uuid4()), "name": name, "args": args,
                "base_version": base_version, "occurred_at": occurred_at}

    def push(self, mutations, client_id=None):
        return self.session.client.post("/api/sync/push", json={"client_id": client_id or self.client_id, "mutations": mutations},
                                         headers={"X-CSRFToken": self.session.token})

    def pull(self, cursor="keep"):
        cursor = self.cursor if cursor == "keep" else cursor
        url = f"/api/sync/pull?client_id={self.client_id}" + (f"&cursor={cursor}" if cursor is not None else "")
        response = self.session.get(url)
        assert response.status_code == 200, response.text
        body = response.json
        self.cursor = body["cursor"]
        return body


def version_of(db, order_id):
    return next(iter(db.query("SELECT version, state FROM orders WHERE id = ?", [order_id])))


def test_replayed_push_gets_the_same_answer_and_changes_nothing(login, order_id, db):
    phone = Phone(login("techa"))
    batch = [phone.mutation("order.transition", {"order_id": order_id, "to": "accepted"}, base_version=version_of(db, order_id)["version"]),
             phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "客户在家"})]
    first = phone.push(batch)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json["results"]] == ["applied", "applied"]
    events = db.execute("SELECT COUNT(*) FROM order_events").fetchone()[0]
    again = phone.push(batch)
    assert again.json == first.json
    assert db.execute("SELECT COUNT(*) FROM order_events").fetchone()[0] == events
    assert db.execute("SELECT COUNT(*) FROM order_notes").fetchone()[0] == 1
    assert version_of(db, order_id)["state"] == "accepted"
