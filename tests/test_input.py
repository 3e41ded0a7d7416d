"""Bad input gets a clear message and nothing half-written: forms, sizes, hostile text, login throttling, config."""
import pytest

from webapp import create_app

ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "王先生", "contact_phone": "13800000001", "district": "东城区"}


def count_orders(db):
    return db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]


@pytest.mark.parametrize("change,message", [
    ({"customer_name": ""}, "This field is required"),
    ({"contact_phone": "call me maybe"}, "phone"),
    ({"contact_phone": "1" * 40}, "phone"),
    ({"district": "Atlantis"}, "Not a valid choice"),
    ({"order_type": "teleport"}, "Not a valid choice"),
    ({"symptom": "dialup_error", "dialup_error": ""}, "dial-up error code"),
    ({"customer_name": "x" * 5000}, "Field cannot be longer"),
    ({"customer_name": "王\x00先生"}, "control characters"),
    ({"technician_id": "99999"}, "Not a valid choice"),
])
def test_bad_order_forms_are_refused_with_a_message(login, db, change, message):
    d = login("disp")
    d.client.set_cookie("lang", "en")
    response = d.post("/orders/new", {**ORDER, **change}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert message.lower() in response.text.lower()
    assert count_orders(db) == 0


def test_hostile_text_is_stored_as_text_and_shown_escaped(login, db):
    d = login("disp")
    hostile = '<script>alert(1)</script>"; DROP TABLE orders; --'
    response = d.post("/orders/new", {**ORDER, "customer_name": hostile[:80], "description": hostile})
    assert response.status_code == 303
    page = d.get(response.headers["Location"]).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert count_orders(db) == 1


def test_an_oversized_body_is_refused(login, db):
    d = login("disp")
    response = d.post("/orders/new", {**ORDER, "description": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert count_orders(db) == 0


def dispatched_order(login, user_ids):
    d = login("disp")
    response = d.post("/orders/new", {**ORDER, "technician_id": str(user_ids["techa"])})
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.mark.parametrize("data,message", [
    ({"appointment_start": "tomorrow", "appointment_end": "later"}, "Not a valid datetime"),
    ({"appointment_start": "2026-11-23T10:00", "appointment_end": "2026-11-23T09:00"}, "end after it starts"),
    ({"appointment_start": "2020-01-01T10:00", "appointment_end": "2020-01-01T12:00"}, "already over"),
    ({}, "This field is required"),
])
def test_bad_appointments_are_refused(login, phone, user_ids, db, data, message):
    order_id = dispatched_order(login, user_ids)
    a = phone("techa")
    assert a.act(order_id, "accepted")["status"] == "applied"
    result = a.act(order_id, "appointed", fields=data, headers={"Accept-Language": "en"})
    assert result["status"] == "rejected" and message in result["error"], result
    row = next(iter(db.query("SELECT state, appointment_start, version FROM orders WHERE id = ?", [order_id])))
    assert row["state"] == "accepted" and row["appointment_start"] is None
    assert db.execute("SELECT COUNT(*) FROM order_events WHERE order_id = ? AND action = 'make_appointment'",
                      [order_id]).fetchone()[0] == 0


def test_an_illegal_transition_says_why_in_chinese_by_default(login, phone, user_ids, db):
    order_id = dispatched_order(login, user_ids)
    result = phone("techa").act(order_id, "on_site")
    assert result["status"] == "rejected" and "不能执行" in result["error"], result
    assert next(iter(db.query("SELECT state FROM orders WHERE id = ?", [order_id])))["state"] == "dispatched"


def test_reject_needs_a_reason(login, phone, user_ids, db):
    order_id = dispatched_order(login, user_ids)
    a = phone("techa")
    assert a.act(order_id, "rejected", reason="")["status"] == "rejected"
    assert a.act(order_id, "rejected", reason="x" * 500)["status"] == "rejected"
    assert a.act(order_id, "rejected", reason="地址不在本片区")["status"] == "applied"
    event = next(iter(db.query("SELECT * FROM order_events WHERE order_id = ? AND action = 'reject'", [order_id])))
    assert event["from_state"] == "dispatched" and event["to_state"] == "rejected" and event["reason"] == "地址不在本片区"


def test_technicians_write_only_through_the_outbox(login, user_ids, db):
    order_id = dispatched_order(login, user_ids)
    a = login("techa")
    assert a.post(f"/orders/{order_id}/act/accept").status_code == 403
    assert a.post(f"/orders/{order_id}/notes", {"text": "hello"}).status_code == 403
    assert next(iter(db.query("SELECT state FROM orders WHERE id = ?", [order_id])))["state"] == "dispatched"


@pytest.mark.parametrize("action", ["nonsense", "../../etc", "dispatch%00"])
def test_unknown_actions_are_404(login, user_ids, action):
    order_id = dispatched_order(login, user_ids)
    assert login("disp").post(f"/orders/{order_id}/act/{action}").status_code == 404


def test_bulk_assign_reports_each_refusal(login, user_ids, db):
    d = login("disp")
    first = dispatched_order(login, user_ids)
    db.execute("UPDATE orders SET state = 'closed' WHERE id = ?", [first])
    second = int(d.post("/orders/new", ORDER).headers["Location"].rsplit("/", 1)[1])
    response = d.post("/dispatch/assign", {"order_id": [str(first), str(second)],
                                           "technician_id": str(user_ids["techb"])}, follow_redirects=True)
    assert response.status_code == 200
    states = {r["id"]: (r["state"], r["technician_id"]) for r in db.query("SELECT id, state, technician_id FROM orders")}
    assert states[second] == ("dispatched", user_ids["techb"])
    assert states[first][0] == "closed"
    assert "1" in response.text and "WO-" in response.text


def test_bulk_assign_without_a_choice_says_so(login, db):
    response = login("disp").post("/dispatch/assign", {"technician_id": ""}, follow_redirects=True)
    assert response.status_code == 200 and ("Tick at least one order" in response.text or "至少勾选" in response.text)


def test_login_is_throttled_after_repeated_failures(app, login):
    client = app.test_client()
    from tests.conftest import csrf_from
    token = csrf_from(client.get("/login").text)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/login", data={"username": "techa", "password": "wrong", "csrf_token": token}).status_code == 401
    from tests.conftest import PASSWORD
    response = client.post("/login", data={"username": "techa", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429
    login("techb")  # another person is not locked out


def test_login_next_must_stay_on_this_site(app):
    from tests.conftest import PASSWORD, csrf_from
    client = app.test_client()
    token = csrf_from(client.get("/login").text)
    response = client.post("/login?next=https://evil.example/", data={"username": "disp", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/dispatch/"


def test_cookies_and_headers(app, login):
    from tests.conftest import PASSWORD, csrf_from
    client = app.test_client()
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": "disp", "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/dispatch/")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_production_sets_secure_cookies_and_refuses_the_default_key(tmp_path, monkeypatch):
    with pytest.raises(RuntimeError, match="ONTRACK_SECRET_KEY"):
        create_app({"ENV_NAME": "production", "DATABASE": str(tmp_path / "p.sqlite3")})
    with pytest.raises(RuntimeError):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "short", "DATABASE": str(tmp_path / "p.sqlite3")})
    monkeypatch.setenv("ONTRACK_ENV", " Production ")  # however the operator spells it, production checks apply
    monkeypatch.setenv("ONTRACK_SECRET_KEY", "k" * 40)
    import importlib
    import webapp.config
    config = importlib.reload(webapp.config)
    try:
        assert config.Config.SESSION_COOKIE_SECURE and config.Config.REMEMBER_COOKIE_SECURE
    finally:
        monkeypatch.delenv("ONTRACK_ENV")
        monkeypatch.delenv("ONTRACK_SECRET_KEY")
        importlib.reload(webapp.config)


def test_migrations_are_versioned_and_applied_once(app, db):
    from webapp.migrations import MIGRATIONS, migrate
    assert db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    assert migrate(db) == []
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_english_is_switchable(login):
    d = login("disp")
    assert "调度" in d.get("/dispatch/").text or "派单" in d.get("/dispatch/").text
    d.post("/lang/en", {"next": "/dispatch/"})
    page = d.get("/dispatch/").text
    assert "Assign the ticked orders to" in page and 'lang="en"' in page


def test_one_address_trying_a_password_on_every_name_is_throttled(app, login):
    """Review r1: the name-and-address throttle let one address try a common password on every account.
    Past LOGIN_MAX_FAILURES_PER_ADDRESS failures over any names, that address waits too; others do not."""
    from tests.conftest import PASSWORD, csrf_from
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 12
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    token = csrf_from(guesser.get("/login").text)
    for n in range(12):  # two tries on each of six names: each name alone stays under its own limit of 5
        answer = guesser.post("/login", data={"username": f"user{n // 2}", "password": "123456", "csrf_token": token})
        assert answer.status_code == 401, n
    answer = guesser.post("/login", data={"username": "techa", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    login("techa")  # the same person from their own address is not locked out
