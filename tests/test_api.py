"""/api/v1 for other systems (issue 19): tokens and scopes, idempotent intake, changes, alarms, problems, webhooks."""
import io
import json

import pytest

from tests.conftest import Phone
from tests.webhook_receiver import Receiver
from webapp.api import clients
from webapp.db import connect
from webapp.timeutil import utcnow

ORDER = {"external_id": "CRM-2026-0001", "order_type": "repair", "access_type": "ftth", "symptom": "no_service",
         "customer_name": "钱女士", "contact_phone": "13900000123", "district": "东城区", "community": "幸福里",
         "broadband_account": "gz0000123", "description": "光猫 LOS 灯红"}


def make_client(app, name="crm", scopes=("orders:read", "orders:write"), all_orders=False, webhook=None):
    db = connect(app.config["DATABASE"])
    try:
        _id, token = clients.create_client(db, name, scopes, utcnow(), all_orders)
        secret = clients.set_webhook(db, name, webhook) if webhook else None
    finally:
        db.conn.close()
    return token, secret


@pytest.fixture
def crm(app):
    token, _secret = make_client(app)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def test_the_same_create_twice_is_one_order_and_other_fields_under_that_id_are_a_conflict(crm, db):
    first = crm.post("/api/v1/orders", json=ORDER)
    assert first.status_code == 201, first.text
    again = crm.post("/api/v1/orders", json=ORDER)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert db.execute("SELECT COUNT(*) FROM orders WHERE external_id = 'CRM-2026-0001'").fetchone()[0] == 1
    other = crm.post("/api/v1/orders", json={**ORDER, "customer_name": "别人"})
    assert other.status_code == 409 and other.mimetype == "application/problem+json"
    assert other.json["code"] == "conflict" and "CRM-2026-0001" in other.json["detail"]
    body = first.json
    assert body["state"] == "created" and body["order_no"].startswith("WO-") and body["external_id"] == "CRM-2026-0001"
    assert [step["action"] for step in body["timeline"]] == ["create"] and body["timeline"][0]["actor"] == "crm"


def test_problems_are_rfc9457_with_both_titles_and_the_fields_named(crm):
    response = crm.post("/api/v1/orders", json={**ORDER, "contact_phone": "call me", "colour": "red"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.json
    assert {"type", "title", "status", "detail", "instance", "code", "titles"} <= set(problem)
    assert problem["status"] == 422 and problem["code"] == "invalid"
    assert set(problem["errors"]) == {"contact_phone", "colour"}
    assert problem["titles"]["zh-CN"] != problem["titles"]["en"]
    assert problem["title"] == problem["titles"]["zh-CN"]  # Chinese unless the caller prefers English
    english = crm.post("/api/v1/orders", json={}, headers={"Accept-Language": "en"})
    assert english.json["title"] == english.json["titles"]["en"] == "The request has invalid fields"
    for bad in (b"{", b"[]", b"\xff\xfe", b'{"external_id": "\\ud800"}'):
        response = crm.post("/api/v1/orders", data=bad, content_type="application/json")
        assert 400 <= response.status_code < 500 and response.mimetype == "application/problem+json", (bad, response.text)
    assert crm.get("/api/v1/orders/99999999999999999999").status_code == 404
    assert crm.delete("/api/v1/orders").json["code"] == "method_not_allowed"
    unknown_district = crm.post("/api/v1/orders", json={**ORDER, "external_id": "X-1", "district": "火星区"})
    assert unknown_district.status_code == 422 and "火星区" in unknown_district.json["detail"]


def test_tokens_scopes_and_revocation(app, crm, db):
    assert app.test_client().get("/api/v1/orders").status_code == 401
    bad = app.test_client().get("/api/v1/orders", headers={"Authorization": "Bearer ont_forged"})
    assert bad.status_code == 401 and bad.headers["WWW-Authenticate"].startswith("Bearer")
    nms_token, _ = make_client(app, "nms", ("alarms:write",))
    nms = {"Authorization": f"Bearer {nms_token}"}
    refused = app.test_client().post("/api/v1/orders", json=ORDER, headers=nms)
    assert refused.status_code == 403 and "orders:write" in refused.json["detail"]
    # Only the hash is stored.
    assert db.execute("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", [clients.token_hash(nms_token)]).fetchone()[0] == 1
    assert not db.execute("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ? OR prefix = ?", [nms_token, nms_token]).fetchone()[0]
    runner = app.test_cli_runner()
    assert runner.invoke(args=["api-client", "revoke", "nms"]).exit_code == 0
    assert app.test_client().post("/api/v1/alarms", json={}, headers=nms).status_code == 401
    # Every call is logged with the client's name.
    names = {row[0] for row in db.execute("SELECT client_name FROM api_calls")}
    assert {"nms", "-"} <= names


def test_the_cli_creates_lists_rotates_and_revokes_clients(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["api-client", "create", "eoms", "--scope", "orders:read", "--scope", "orders:write"])
    assert created.exit_code == 0, created.output
    token = created.output.split("token (store it now; it is not shown again): ")[1].strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/orders", headers=headers).status_code == 200
    assert runner.invoke(args=["api-client", "create", "eoms", "--scope", "orders:read"]).exit_code != 0
    listing = runner.invoke(args=["api-client", "list"]).output
    assert "eoms" in listing and token[:10] in listing and token not in listing
    second = runner.invoke(args=["api-client", "token", "eoms"]).output.split(": ")[-1].strip()
    assert runner.invoke(args=["api-client", "revoke-token", token[:10]]).exit_code == 0
    assert app.test_client().get("/api/v1/orders", headers=headers).status_code == 401
    assert app.test_client().get("/api/v1/orders", headers={"Authorization": f"Bearer {second}"}).status_code == 200


def test_update_owned_fields_with_version_then_cancel(crm, db, login):
    order = crm.post("/api/v1/orders", json=ORDER).json
    changed = crm.patch(f"/api/v1/orders/{order['id']}", json={"version": order["version"], "contact_phone": "13900000999",
                                                                "description": "客户改约下午"})
    assert changed.status_code == 200, changed.text
    assert changed.json["contact_phone"] == "13900000999" and changed.json["version"] == order["version"] + 1
    stale = crm.patch(f"/api/v1/orders/{order['id']}", json={"version": order["version"], "unit": "3-201"})
    assert stale.status_code == 409 and stale.json["code"] == "conflict"
    assert crm.patch(f"/api/v1/orders/{order['id']}", json={"state": "closed"}).status_code == 422
    assert crm.post(f"/api/v1/orders/{order['id']}/cancel", json={}).status_code == 422
    cancelled = crm.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "客户已自行恢复"})
    assert cancelled.status_code == 200 and cancelled.json["state"] == "cancelled"
    assert [s["action"] for s in cancelled.json["timeline"]] == ["create", "update_fields", "cancel"]
    again = crm.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "again"})  # idempotent (docs/api.md)
    assert again.status_code == 200 and again.json == cancelled.json
    late = crm.patch(f"/api/v1/orders/{order['id']}", json={"unit": "1"})
    assert late.status_code == 422
    page = login("disp").get(f"/orders/{order['id']}")  # the desk shows who did it and the new state
    assert page.status_code == 200 and "crm" in page.text and "客户已自行恢复" in page.text
    assert db.execute("SELECT COUNT(*) FROM order_clocks WHERE order_id = ? AND stopped_at IS NULL", [order["id"]]).fetchone()[0] == 0


def test_a_technician_on_site_cannot_be_cancelled_away(app, crm, login, user_ids):
    order = crm.post("/api/v1/orders", json=ORDER).json
    desk = login("disp")
    assert desk.post("/dispatch/assign", {"order_id": str(order["id"]), "technician_id": str(user_ids["techa"])}).status_code in (200, 303)
    tech = Phone(login("techa"))
    assert tech.act(order["id"], "accepted")["status"] == "applied"
    window = {"appointment_start": "2099-01-01T09:00", "appointment_end": "2099-01-01T11:00"}
    assert tech.act(order["id"], "appointed", fields=window)["status"] == "applied"
    assert tech.act(order["id"], "on_site")["status"] == "applied"
    refused = crm.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "客户取消"})
    assert refused.status_code == 422 and "on_site" in refused.json["detail"]


def test_changes_since_a_cursor_page_through_every_change_and_only_the_clients_own(app, crm, login, user_ids):
    ids = [crm.post("/api/v1/orders", json={**ORDER, "external_id": f"CRM-{n}"}).json["id"] for n in range(5)]
    login("disp").post("/orders/new", {"order_type": "repair", "access_type": "ftth", "symptom": "no_service",
                                       "customer_name": "desk", "contact_phone": "13800000000", "district": "东城区"})
    seen, cursor = [], "0"
    while True:
        page = crm.get(f"/api/v1/orders?since={cursor}&limit=2").json
        seen += [o["id"] for o in page["orders"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == ids  # the desk's order is not this client's
    assert crm.get(f"/api/v1/orders?since={cursor}").json["orders"] == []
    login("disp").post("/dispatch/assign", {"order_id": str(ids[2]), "technician_id": str(user_ids["techa"])})
    page = crm.get(f"/api/v1/orders?since={cursor}").json
    assert [o["id"] for o in page["orders"]] == [ids[2]] and page["orders"][0]["state"] == "dispatched"
    assert page["orders"][0]["technician"]["name"] == "技术员 A"
    other_token, _ = make_client(app, "other")
    other = app.test_client().get(f"/api/v1/orders/{ids[0]}", headers={"Authorization": f"Bearer {other_token}"})
    assert other.status_code == 404


def test_alarms_feed_the_group_fault_registry_counted_against_the_mapping(app, db):
    token, _ = make_client(app, "nms", ("alarms:write",))
    nms = app.test_client()
    nms.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    rows = "宽带账号,OLT,PON口,ONU,区县,小区\n" + "".join(f"acc{n},OLT-7,0/1/3,ONU-{n % 4},东城区,幸福里\n" for n in range(60))
    refused = nms.put("/api/v1/account-mapping", data=rows.encode(), content_type="text/plain")
    assert refused.status_code == 415
    loaded = nms.put("/api/v1/account-mapping", data=rows.encode(), content_type="text/csv")
    assert loaded.status_code == 200 and loaded.json == {"accounts": 60, "skipped": []}
    broken = nms.put("/api/v1/account-mapping", data="name,phone\na,b\n".encode(), content_type="text/csv")
    assert broken.status_code == 422 and db.execute("SELECT COUNT(*) FROM account_map").fetchone()[0] == 60
    alarm = {"alarm_ref": "NMS-889", "alarm_type": "OLT PON信号丢失", "olt": "OLT-7", "pon_port": "0/1/3",
             "occurred_at": "2026-11-30T08:05:00+08:00", "affected_users": 3}
    first = nms.post("/api/v1/alarms", json=alarm)
    assert first.status_code == 201, first.text
    fault = first.json
    assert fault["alarm_class"] == "line" and fault["alarm_type"] == "olt_pon_signal_loss"
    assert fault["affected_users"] == 60 and fault["affected_source"] == "mapping"
    assert fault["publication_suggested"] and fault["auto_order"] and fault["status"] == "raised"  # > 50 users (§5.3)
    again = nms.post("/api/v1/alarms", json=alarm)
    assert again.status_code == 200 and again.json["id"] == fault["id"]
    assert nms.post("/api/v1/alarms", json={**alarm, "alarm_ref": "NMS-890", "alarm_type": "made up"}).status_code == 422
    far = nms.post("/api/v1/alarms", json={**alarm, "alarm_ref": "NMS-892", "occurred_at": "9999-12-31T23:59:59-12:00"})
    assert far.status_code == 422 and "occurred_at" in far.json["errors"]
    no_zone = nms.post("/api/v1/alarms", json={**alarm, "alarm_ref": "NMS-891", "occurred_at": "2026-11-30T08:05:00"})
    assert no_zone.status_code == 422 and "occurred_at" in no_zone.json["errors"]
    # The desk's registry shows it.
    desk = app.test_client()
    assert db.execute("SELECT source, fault_no FROM group_faults WHERE id = ?", [fault["id"]]).fetchone()[0] == "api"


def test_rate_limit_answers_429_problem_with_retry_after(tmp_path):
    """6 per minute over 2 web processes with memory:// counters: 3 in this process (docs/api.md "Rate limit")."""
    from webapp import create_app
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite3"), "SECRET_KEY": "k" * 40,
                      "API_RATE_LIMIT": "6 per minute", "WEB_WORKERS": 2})
    token, _ = make_client(app)
    client = app.test_client()
    answers = [client.get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].mimetype == "application/problem+json" and int(answers[-1].headers["Retry-After"]) > 0
    # The answers that were served say how much is left, but not to come back later.
    assert all("Retry-After" not in a.headers and a.headers["X-RateLimit-Limit"] == "3" for a in answers[:3])


def test_made_up_tokens_share_their_address_counter(tmp_path):
    """Review r19: each bad token had its own counter, so random tokens were never limited."""
    import secrets
    from webapp import create_app
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite3"), "SECRET_KEY": "k" * 40,
                      "API_RATE_LIMIT": "3 per minute", "WEB_WORKERS": 1})
    token, _ = make_client(app)
    client = app.test_client()
    answers = [client.get("/api/v1/orders", headers={"Authorization": f"Bearer ont_{secrets.token_hex(16)}"}).status_code
               for _ in range(5)]
    assert answers == [401, 401, 401, 429, 429]
    # A known client's token has its own counter, untouched by the address's bad calls.
    assert client.get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_openapi_31_document_and_docs_page(app):
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert {("/api/v1/orders", "post"), ("/api/v1/orders", "get"), ("/api/v1/orders/{order_id}", "get"),
            ("/api/v1/orders/{order_id}", "patch"), ("/api/v1/orders/{order_id}/cancel", "post"),
            ("/api/v1/alarms", "post"), ("/api/v1/account-mapping", "put")} <= operations
    create = document["paths"]["/api/v1/orders"]["post"]
    assert "application/problem+json" in create["responses"]["422"]["content"]
    assert "external_id" in document["components"]["schemas"]["OrderCreate"]["required"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "vendor/swagger-ui-5.35.0" in page.text and "cdn" not in page.text.lower()
    assert client.get("/api/v1/problems").status_code == 200


def test_webhooks_deliver_each_event_signed_once_in_order(app, crm, login, user_ids):
    with Receiver() as receiver:
        db = connect(app.config["DATABASE"])
        receiver.secret = clients.set_webhook(db, "crm", receiver.url)
        db.conn.close()
        order = crm.post("/api/v1/orders", json=ORDER).json
        login("disp").post("/dispatch/assign", {"order_id": str(order["id"]), "technician_id": str(user_ids["techa"])})
        tech = Phone(login("techa"))
        assert tech.act(order["id"], "accepted")["status"] == "applied"
        assert receiver.types_for(order["id"]) == ["order.created", "order.dispatched", "order.accepted"]
        assert receiver.rejected_signatures == 0
        ids = [msg_id for msg_id, _payload in receiver.accepted]
        assert len(set(ids)) == len(ids)
        dispatched = receiver.accepted[1][1]["data"]
        assert dispatched["order"]["external_id"] == "CRM-2026-0001" and dispatched["order"]["technician"]["name"] == "技术员 A"


def test_a_batch_creates_each_once_and_reports_refusals_in_place(crm, db):
    first = {**ORDER, "external_id": "B-1"}
    batch = [first, {**ORDER, "external_id": "B-2", "district": "火星区"}, {**ORDER, "external_id": "B-3"}]
    response = crm.post("/api/v1/orders/batch", json={"orders": batch})
    assert response.status_code == 200, response.text
    results = response.json["results"]
    assert [r["status"] for r in results] == [201, 422, 201]
    assert results[1]["problem"]["code"] == "refused" and results[1]["order"] is None
    again = crm.post("/api/v1/orders/batch", json={"orders": [first, {**first, "external_id": "B-3", "unit": "9"}]}).json["results"]
    assert [r["status"] for r in again] == [200, 409] and again[0]["order"]["id"] == results[0]["order"]["id"]
    assert db.execute("SELECT COUNT(*) FROM orders WHERE external_id LIKE 'B-%'").fetchone()[0] == 2
    assert crm.post("/api/v1/orders/batch", json={"orders": [first] * 101}).status_code == 422


def test_a_patch_that_moves_an_order_under_a_published_group_fault_holds_it_as_a_create_would(app, crm, db, user_ids):
    """Issue 19 × §5.2 "客服将进行群障拦截": interception runs again when the raising system moves the order."""
    from webapp.auth.users import load_user
    from webapp.orders import store
    from webapp.orders.lifecycle import Refused
    from tests.test_groupfaults import SHANGHAI, alarm, publish
    now = utcnow()
    publish(db, user_ids, alarm(db, user_ids, when=now), when=now)  # OLT-DC-01, PON 0/1/1, published
    waiting = crm.post("/api/v1/orders", json=ORDER).json
    dispatched = crm.post("/api/v1/orders", json={**ORDER, "external_id": "CRM-2026-0002"}).json
    elsewhere = crm.post("/api/v1/orders", json={**ORDER, "external_id": "CRM-2026-0003"}).json
    assert waiting["group_fault"] is None  # created outside the fault's area
    store.assign(db, dispatched["id"], load_user(db, user_ids["disp"]), user_ids["techa"], now, SHANGHAI)

    untouched = crm.patch(f"/api/v1/orders/{waiting['id']}", json={"description": "光猫 PON 灯闪"}).json
    assert untouched["group_fault"] is None
    other_port = crm.patch(f"/api/v1/orders/{elsewhere['id']}", json={"olt": "OLT-DC-01", "pon_port": "0/1/9"}).json
    assert other_port["group_fault"] is None
    moved = crm.patch(f"/api/v1/orders/{waiting['id']}", json={"olt": "OLT-DC-01", "pon_port": "0/1/1"})
    assert moved.status_code == 200, moved.text
    assert moved.json["group_fault"]["held"] is True and moved.json["group_fault"]["wording"].startswith("您所在区域")
    assert [s["action"] for s in moved.json["timeline"]][-2:] == ["update_fields", "group_fault_intercepted"]
    with pytest.raises(Refused, match="held"):
        store.assign(db, waiting["id"], load_user(db, user_ids["disp"]), user_ids["techa"], now, SHANGHAI)
    flagged = crm.patch(f"/api/v1/orders/{dispatched['id']}", json={"olt": "OLT-DC-01", "pon_port": "0/1/1"}).json
    assert flagged["group_fault"]["held"] is False and flagged["state"] == "dispatched"  # its technician sees the banner
    again = crm.patch(f"/api/v1/orders/{waiting['id']}", json={"pon_port": "0/1/1", "unit": "2-301"}).json
    assert [s["action"] for s in again["timeline"]].count("group_fault_intercepted") == 1  # linked once
