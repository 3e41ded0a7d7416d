"""Who may see and change what: technicians only their own orders, dispatchers the console, CSRF everywhere."""
import pytest

from tests.conftest import Phone
from webapp.orders.lifecycle import ACTIONS

ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "王先生", "contact_phone": "13800000001", "district": "东城区"}


@pytest.fixture
def order_of_a(login, user_ids, db):
    """An order dispatched to technician A, created through the dispatcher's form."""
    dispatcher = login("disp")
    response = dispatcher.post("/orders/new", {**ORDER, "technician_id": str(user_ids["techa"])})
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def state_of(db, order_id):
    return next(iter(db.query("SELECT state, version FROM orders WHERE id = ?", [order_id])))


def test_technician_b_cannot_see_or_change_a_s_order(login, order_of_a, db):
    b = login("techb")
    assert b.get(f"/jobs/{order_of_a}").status_code == 404
    assert b.get(f"/orders/{order_of_a}").status_code in (302, 404)
    assert b.get(f"/orders/{order_of_a}", follow_redirects=True).status_code == 404
    for action in ACTIONS:
        response = b.post(f"/orders/{order_of_a}/act/{action}", {"reason": "x", "technician_id": "1"})
        assert response.status_code == 404, action
    assert b.post(f"/orders/{order_of_a}/notes", {"text": "hello"}).status_code == 404
    assert "王先生" not in b.get("/jobs/").text
    pulled = b.get("/api/sync/pull?client_id=phone-of-b-0001").json
    assert "王先生" not in str(pulled) and not [c for c in pulled["changes"] if c["table"] == "orders"]
    assert state_of(db, order_of_a) == {"state": "dispatched", "version": 2}


def test_technician_a_sees_and_accepts_their_order(login, order_of_a, db):
    a = login("techa")
    assert a.get("/jobs/").headers["X-ONTrack-Shell"].isdigit()  # the app draws the list from its briefcase
    assert "王先生" in str(a.get("/api/sync/pull?client_id=phone-of-a-0001").json)
    assert a.get(f"/jobs/{order_of_a}").status_code == 200
    assert Phone(a).act(order_of_a, "accepted")["status"] == "applied"
    assert state_of(db, order_of_a)["state"] == "accepted"


@pytest.mark.parametrize("url", ["/dispatch/", "/dispatch/queue", "/dispatch/technicians", "/orders/new"])
def test_technicians_are_kept_out_of_dispatcher_pages(login, url):
    assert login("techa").get(url).status_code == 403


def test_dispatch_assign_refused_to_technicians(login, order_of_a, user_ids, db):
    response = login("techa").post("/dispatch/assign", {"order_id": str(order_of_a), "technician_id": str(user_ids["techa"])})
    assert response.status_code == 403


@pytest.mark.parametrize("url", ["/dispatch/", "/jobs/", "/orders/1", "/notices", "/orders/new"])
def test_anonymous_people_are_sent_to_login(app, url):
    response = app.test_client().get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_htmx_requests_without_a_session_get_401(app):
    response = app.test_client().get("/dispatch/queue", headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"].endswith("/login")


def test_requests_without_csrf_token_are_refused(login, order_of_a, db):
    a = login("techa")
    before = state_of(db, order_of_a)
    response = a.client.post(f"/orders/{order_of_a}/act/accept")
    assert response.status_code == 400
    assert "表单已过期" in response.text or "form expired" in response.text
    response = a.client.post(f"/orders/{order_of_a}/act/accept", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert state_of(db, order_of_a) == before


def test_htmx_requests_carry_the_token_in_a_header(login, order_of_a, db):
    d = login("disp")
    response = d.client.post(f"/orders/{order_of_a}/notes", data={"text": "已电话联系"},
                             headers={"X-CSRFToken": d.token, "HX-Request": "true"})
    assert response.status_code == 303
    assert db.execute("SELECT text FROM order_notes").fetchone()[0] == "已电话联系"


def test_pushes_without_the_csrf_token_are_refused(login, order_of_a, db):
    a = login("techa")
    response = a.client.post("/api/sync/push", json={"client_id": "phone-of-a-0001", "mutations": []})
    assert response.status_code == 400 and response.json["error"]


def test_login_page_and_every_page_carry_the_csrf_meta_tag(login):
    d = login("disp")
    for url in ("/dispatch/", "/orders/new", "/notices"):
        assert '<meta name="csrf-token"' in d.get(url).text


def test_logout_needs_post_and_a_token(login):
    d = login("disp")
    assert d.get("/logout").status_code == 405
    assert d.client.post("/logout").status_code == 400
    assert d.post("/logout").status_code == 303
    assert d.get("/dispatch/").status_code == 302


def test_logout_keeps_the_language_chosen(login):
    """As login does: the login page after a logout speaks the language the person chose (review of 2026-12-05)."""
    d = login("disp")
    assert d.post("/lang/en", {"next": "/dispatch/"}).status_code == 303
    assert d.post("/logout").status_code == 303
    page = d.get("/login")
    assert page.status_code == 200 and '<html lang="en">' in page.text, page.text[:300]
    assert d.get("/dispatch/").status_code == 302  # and the session is over


def test_escalation_notices_reach_only_their_addressee(login, order_of_a, db, user_ids):
    from tests.conftest import Phone
    from webapp.db import transaction
    from webapp.sla import engine
    from webapp.timeutil import utcnow
    import datetime
    with transaction(db):
        engine.sweep(db, utcnow() + datetime.timedelta(hours=2))
    a, b, boss = login("techa"), login("techb"), login("boss")
    # A technician's notices are in the phone app (issue 15 item 5), carried by the pull.
    assert "王先生" in str(Phone(a).pull()["notices"])
    assert "王先生" not in str(Phone(b).pull()["notices"])
    notice_id = next(iter(db.query("SELECT id FROM notices WHERE role = 'technician'")))["id"]
    assert b.post(f"/notices/{notice_id}/read").status_code == 404
    assert a.post(f"/notices/{notice_id}/read").status_code == 303
    assert "王先生" in login("disp").get("/notices").text
    assert boss.get("/notices").status_code == 200
