"""Review r19: hostile JSON bodies must be 400/422 problems, never 500 (issue 19: "no 500 for any input")."""
import pytest

from tests.test_api import crm, make_client  # noqa: F401  (fixtures)

DEEP = b"[" * 100_000 + b"]" * 100_000
BIG_INT = b'{"affected_users": 1' + b"0" * 5000 + b"}"


@pytest.mark.parametrize("path", ["/api/v1/orders", "/api/v1/orders/batch"])
def test_deeply_nested_json_is_a_problem_not_a_500(crm, path):  # noqa: F811
    response = crm.post(path, data=DEEP, content_type="application/json")
    assert response.status_code in (400, 413, 422), response.status_code
    assert response.mimetype == "application/problem+json"


def test_an_integer_past_pythons_digit_limit_is_a_problem_not_a_500(crm):  # noqa: F811
    response = crm.post("/api/v1/orders", data=BIG_INT.replace(b"affected_users", b"external_id"),
                        content_type="application/json")
    assert response.status_code in (400, 422), response.status_code
    assert response.mimetype == "application/problem+json"


def test_patch_cannot_blank_a_field_that_create_requires(crm):  # noqa: F811
    from tests.test_api import ORDER
    created = crm.post("/api/v1/orders", json=ORDER)
    assert created.status_code == 201
    patched = crm.patch(f"/api/v1/orders/{created.json['id']}", json={"customer_name": ""})
    assert patched.status_code == 422, patched.json.get("customer_name")
    assert "customer_name" in patched.json["errors"]


def test_a_whitespace_only_customer_name_is_refused(crm):  # noqa: F811
    from tests.test_api import ORDER
    response = crm.post("/api/v1/orders", json={**ORDER, "external_id": "BLANK-1", "customer_name": "   "})
    assert response.status_code == 422


def test_an_order_suspended_while_the_technician_is_on_site_cannot_be_cancelled_by_the_api(app, crm, login, user_ids, db):  # noqa: F811
    """docs/api.md: cancel is possible "until the technician is on site"; suspending from on_site must not reopen it."""
    from tests.conftest import Phone
    from tests.test_api import ORDER
    from webapp.auth.users import load_user
    from webapp.orders import store
    from webapp.timeutil import utcnow
    from zoneinfo import ZoneInfo
    order = crm.post("/api/v1/orders", json=ORDER).json
    desk = login("disp")
    desk.post("/dispatch/assign", {"order_id": str(order["id"]), "technician_id": str(user_ids["techa"])})
    tech = Phone(login("techa"))
    assert tech.act(order["id"], "accepted")["status"] == "applied"
    window = {"appointment_start": "2099-01-01T09:00", "appointment_end": "2099-01-01T11:00"}
    assert tech.act(order["id"], "appointed", fields=window)["status"] == "applied"
    assert tech.act(order["id"], "on_site")["status"] == "applied"
    boss, disp = load_user(db, user_ids["boss"]), load_user(db, user_ids["disp"])
    store.approve_suspension(db, order["id"], boss, utcnow())
    store.apply_action(db, order["id"], "suspend", disp,
                       {"customer_consent": "客户同意", "approver_id": boss.id, "reason": "客户临时外出"},
                       utcnow(), ZoneInfo("Asia/Shanghai"))
    refused = crm.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "客户取消"})
    assert refused.status_code == 422, refused.json.get("state")


def test_apps_made_at_once_by_two_worker_threads_each_get_the_api(tmp_path):
    """The job worker's threads call create_app() together at start (webapp/background/tasks.py _app); the API's
    module-level Api object is shared, so a race left 'api_v1 is already registered' in the worker's log."""
    import threading
    from webapp import create_app
    apps, errors = [], []

    def make(i):
        try:
            apps.append(create_app({"TESTING": True, "DATABASE": str(tmp_path / "ontrack.sqlite3"),
                                    "BLOB_FOLDER": str(tmp_path / "blobs"),
                                    "SECRET_KEY": "test-secret-key-test-secret-key-0123"}))
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
    threads = [threading.Thread(target=make, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all("api_v1" in app.blueprints for app in apps)


def test_cancelling_a_cancelled_order_again_answers_the_same_order(crm):  # noqa: F811
    """Decided (docs/api.md): a retried cancel is idempotent — 200 with the order, no second timeline entry."""
    from tests.test_api import ORDER
    order = crm.post("/api/v1/orders", json={**ORDER, "external_id": "CANCEL-TWICE"}).json
    first = crm.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "客户取消"})
    again = crm.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "客户取消"})
    assert first.status_code == again.status_code == 200
    assert again.json["state"] == "cancelled" and again.json["version"] == first.json["version"]
    assert len(again.json["timeline"]) == len(first.json["timeline"])


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8080/hook",
                                 "http://[::1]/hook", "http://2130706433/hook", "https://10.0.0.5/hook",
                                 "http://[::ffff:127.0.0.1]/hook"])
def test_a_webhook_to_an_internal_address_is_refused(app, url):
    """SSRF (review r19): refused when configured unless the operator's allowlist names the network."""
    from webapp.api import clients
    app.config["WEBHOOK_ALLOW_PRIVATE"] = ""
    with app.app_context(), pytest.raises(clients.ClientError):
        clients.check_webhook_url(url)


def test_the_allowlist_and_https_in_production(app):
    from webapp.api import clients
    with app.app_context():
        assert clients.check_webhook_url("http://127.0.0.1:9/hook")  # the test config allows 127.0.0.1/32
        with pytest.raises(clients.ClientError):
            clients.check_webhook_url("http://127.0.0.2:9/hook")
        app.config["ENV_NAME"] = "production"
        with pytest.raises(clients.ClientError, match="https"):
            clients.check_webhook_url("http://93.184.215.14/hook")
        assert clients.check_webhook_url("https://93.184.215.14/hook")


def test_delivery_checks_the_address_again(app):
    """DNS can change after configuration: the send itself refuses an internal address."""
    from webapp.webhooks import delivery
    app.config["WEBHOOK_ALLOW_PRIVATE"] = ""
    with app.app_context():
        status, error = delivery.post("http://127.0.0.1:9/hook", {}, "{}", 1)
    assert status is None and error.startswith("refused")


def test_replay_since_garbage_says_the_date_is_invalid(app):
    result = app.test_cli_runner().invoke(args=["api-client", "replay", "crm", "--since", "garbage"])
    assert result.exit_code != 0 and "not a date-time" in result.output


@pytest.mark.parametrize("method, path", [("post", "/api/v1/orders"), ("post", "/api/v1/orders/batch"),
                                          ("patch", "/api/v1/orders/{id}"), ("post", "/api/v1/orders/{id}/cancel"),
                                          ("post", "/api/v1/alarms")])
def test_a_refused_body_says_why_on_every_endpoint(app, crm, method, path):  # noqa: F811
    """Review r67: every refusal was a bare 400: the app's handler for status 400 answered before the API's own, and
    dropped the reason."""
    from tests.test_api import ORDER
    alarms, _secret = make_client(app, "nms", scopes=("alarms:write",))
    client = crm
    if "alarms" in path:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {alarms}"
    order_id = crm.post("/api/v1/orders", json=ORDER).json["id"]
    url = path.format(id=order_id)
    for body, why in ((b'{"a": NaN}', "NaN"), (b'{"a": 1', "delimiter"), ('{"a": 1}'.encode("utf-16"), "UTF-8"),
                      (b"[" * 60 + b"]" * 60, "nested"), (b'{"a": 1' + b"0" * 50 + b"}", "digits")):
        response = getattr(client, method)(url, data=body, content_type="application/json")
        assert response.status_code == 400 and why in response.json.get("detail", ""), (body[:20], response.json)
    # A JSON body sent as text: the content type is named, not every field "missing".
    response = getattr(client, method)(url, data=b'{"a": 1}', content_type="text/plain")
    assert response.status_code == 415 and "application/json" in response.json["detail"], response.json


def test_a_version_with_a_fraction_is_refused(crm):  # noqa: F811
    """Review r67: "version": 1.5 was taken as 1 and the change applied."""
    from tests.test_api import ORDER
    created = crm.post("/api/v1/orders", json=ORDER)
    response = crm.patch(f"/api/v1/orders/{created.json['id']}", json={"version": 1.5, "customer_name": "孙女士"})
    assert response.status_code == 422 and "version" in response.json["errors"], response.json
    assert crm.get(f"/api/v1/orders/{created.json['id']}").json["customer_name"] == ORDER["customer_name"]


def test_a_body_too_large_names_the_limit(crm):  # noqa: F811
    """Review r68: the 413's detail was werkzeug's "exceeds the capacity limit", without the limit."""
    response = crm.post("/api/v1/orders", data=b"x" * (3 * 1024 * 1024), content_type="application/json")
    assert response.status_code == 413 and "2097152 bytes" in response.json["detail"], response.json
