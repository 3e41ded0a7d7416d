"""Loop tests and participants of an enterprise fault added from the phone (issue 21 item 12, phone part; domain
reference §7.4 #8, §2.8 P-C, §9.5 item 29): through order.add_loop_test and order.add_participant, validated by
the desk's own forms, allowed only to the order's holder, idempotent like every mutation
(design/sync-protocol.md: a replay changes nothing, a rejection consumes the seq and writes nothing)."""
import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest

from tests.test_enterprise import LINE
from tests.test_order_flow import ORDER

TZ = ZoneInfo("Asia/Shanghai")


def local_minutes(delta):
    return (datetime.datetime.now(TZ) + datetime.timedelta(minutes=delta)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def line_id(login, user_ids):
    response = login("disp").post("/orders/new", {**LINE, "technician_id": str(user_ids["techa"])})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def loop_test(order_id, **changes):
    return {"order_id": order_id, "loop_test_id": str(uuid.uuid4()), "loop_point": "接入机房 ODF 12 芯",
            "result": "failed", "tested_at": local_minutes(0), "note": "环回不通，故障在接入机房之前", **changes}


def participant(order_id, **changes):
    return {"order_id": order_id, "participant_id": str(uuid.uuid4()), "role": "outsourced", "name": "代维 张工",
            "phone": "13800000002", **changes}


def one_result(phone, name, args):
    response = phone.push([phone.mutation(name, args)])
    assert response.status_code == 200, response.text
    return response.json["results"][0]


def test_the_holder_adds_a_loop_test_and_a_participant_and_the_desk_sees_them(login, phone, line_id, db):
    tech = phone("techa")
    args = loop_test(line_id)
    assert one_result(tech, "order.add_loop_test", args)["status"] == "applied"
    assert one_result(tech, "order.add_participant", participant(line_id))["status"] == "applied"
    row = next(iter(db.query("SELECT * FROM enterprise_loop_tests")))
    assert row["loop_point"] == "接入机房 ODF 12 芯" and row["result"] == "failed" and row["uid"] == args["loop_test_id"]
    tested = datetime.datetime.fromisoformat(row["tested_at"]).astimezone(TZ).strftime("%Y-%m-%dT%H:%M")
    assert tested == args["tested_at"]  # the local time the technician typed, stored in UTC
    page = login("disp").get(f"/orders/{line_id}").text
    assert "接入机房 ODF 12 芯" in page and "代维 张工" in page
    events = [r["action"] for r in db.query("SELECT action FROM order_events WHERE order_id = ? ORDER BY id", [line_id])]
    assert events[-2:] == ["loop_test", "participant"]
    bundle = next(c["data"] for c in tech.pull(cursor=None)["changes"] if c["table"] == "orders" and c["id"] == line_id)
    assert bundle["enterprise"]["loop_tests"][0]["uid"] == args["loop_test_id"]
    assert bundle["enterprise"]["participants"][0]["name"] == "代维 张工"


def test_a_replay_changes_nothing(phone, line_id, db):
    tech = phone("techa")
    mutation = tech.mutation("order.add_loop_test", loop_test(line_id))
    first = tech.push([mutation]).json
    again = tech.push([mutation]).json
    assert first == again
    # the same change under a new number (a restored outbox) and the same row id under a new mutation
    renumbered = {**mutation, "seq": tech.seq + 1}
    tech.seq += 1
    assert tech.push([renumbered]).json["results"][0]["status"] == "applied"
    assert one_result(tech, "order.add_loop_test", mutation["args"])["status"] == "applied"
    assert db.execute("SELECT COUNT(*) FROM enterprise_loop_tests").fetchone()[0] == 1


def test_only_the_orders_holder_may_add(login, phone, user_ids, line_id, db):
    stranger = phone("techb")
    refused = one_result(stranger, "order.add_loop_test", loop_test(line_id))
    assert refused["status"] == "rejected" and "从未分配给您" in refused["error"]
    desk = login("disp")
    desk.post("/dispatch/assign", {"order_id": str(line_id), "technician_id": str(user_ids["techb"])})
    assert db.execute("SELECT technician_id FROM orders WHERE id = ?", [line_id]).fetchone()[0] == user_ids["techb"]
    former = one_result(phone("techa"), "order.add_participant", participant(line_id))
    assert former["status"] == "conflict" and former["server_row"]["assigned_to_you"] is False
    assert db.execute("SELECT COUNT(*) FROM enterprise_participants").fetchone()[0] == 0
    assert one_result(phone("techb"), "order.add_participant", participant(line_id))["status"] == "applied"
    desk_push = desk.client.post("/api/sync/push", json={"client_id": str(uuid.uuid4()), "mutations": [
        {"seq": 1, "mutation_id": str(uuid.uuid4()), "name": "order.add_participant", "args": participant(line_id)}]},
        headers={"X-CSRFToken": desk.token})
    assert desk_push.status_code in (200, 403)
    if desk_push.status_code == 200:
        assert desk_push.json["results"][0]["status"] == "rejected"
    assert db.execute("SELECT COUNT(*) FROM enterprise_participants").fetchone()[0] == 1


@pytest.mark.parametrize("name, changes, words", [
    ("order.add_loop_test", {"loop_point": ""}, "打环点"),
    ("order.add_loop_test", {"result": "maybe"}, "结果"),
    ("order.add_loop_test", {"tested_at": "yesterday"}, "测试时间"),
    ("order.add_loop_test", {"tested_at": lambda: local_minutes(7)}, "将来"),   # beyond 5 minutes of clock skew
    ("order.add_loop_test", {"loop_point": 5}, "无法读取"),
    ("order.add_loop_test", {"loop_point": "点" * 121}, "打环点"),
    ("order.add_participant", {"role": "king"}, "身份"),
    ("order.add_participant", {"name": " "}, "姓名"),
    ("order.add_participant", {"phone": "call me"}, "电话"),
    ("order.add_participant", {"participant_id": ""}, "participant_id"),
])
def test_bad_input_is_refused_with_a_clear_message(phone, line_id, db, name, changes, words):
    build = loop_test if name == "order.add_loop_test" else participant
    changes = {key: value() if callable(value) else value for key, value in changes.items()}
    result = one_result(phone("techa"), name, build(line_id, **changes))
    assert result["status"] == "rejected" and words in result["error"], result
    assert db.execute("SELECT (SELECT COUNT(*) FROM enterprise_loop_tests) + (SELECT COUNT(*) FROM enterprise_participants)").fetchone()[0] == 0


def test_a_loop_test_five_minutes_ahead_is_clock_skew_and_kept(phone, line_id, db):
    assert one_result(phone("techa"), "order.add_loop_test", loop_test(line_id, tested_at=local_minutes(4)))["status"] == "applied"


def test_a_home_order_has_no_loop_tests(login, phone, user_ids, db):
    response = login("disp").post("/orders/new", {**ORDER, "technician_id": str(user_ids["techa"])})
    home_id = int(response.headers["Location"].rsplit("/", 1)[1])
    result = one_result(phone("techa"), "order.add_loop_test", loop_test(home_id))
    assert result["status"] == "rejected" and "政企" in result["error"]
