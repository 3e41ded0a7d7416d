"""Behind Caddy: ProxyFix with ONTRACK_PROXY_COUNT, links on ONTRACK_PUBLIC_URL, production login over HTTPS, HSTS."""
import pytest

from tests.conftest import PASSWORD, PEOPLE, Phone, csrf_from
from tests.test_signoff import link_for, restored_order
from webapp import create_app
from webapp.auth.users import create_user
from webapp.db import connect, insert, transaction

PUBLIC = "https://ontrack.example.cn"
SECRET = "test-secret-key-test-secret-key-0123"


def _app(tmp_path, **config):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "ontrack.sqlite3"), "BLOB_FOLDER": str(tmp_path / "blobs"),
                      "SECRET_KEY": SECRET, **config})
    db = connect(app.config["DATABASE"])
    with transaction(db):
        for name in ("东城区", "西城区"):
            insert(db, "districts", {"name": name})
    for username, role, display, district, skills in PEOPLE:
        create_user(db, username, PASSWORD, role, display, phone="13800000000", district=district, skills=skills)
    db.conn.close()
    return app


@pytest.fixture
def app(tmp_path):
    """One proxy in front (Caddy), and the address the customers' phones use."""
    return _app(tmp_path, PROXY_COUNT=1, PUBLIC_URL=PUBLIC)


def test_the_qr_link_is_built_on_the_public_url_whatever_host_arrives(app, login, user_ids, db):
    order_id, phone = restored_order(login, user_ids, db)
    response = phone.session.client.post("/api/signoff-links", json={"order_id": order_id},
                                         headers={"X-CSRFToken": phone.session.token,
                                                  "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 201
    url = response.json["url"]
    assert url.startswith(PUBLIC + "/") and "evil" not in url and "evil" not in response.json["qr_svg"]


def test_without_a_public_url_the_forwarded_host_and_scheme_of_the_one_trusted_proxy_are_used(app, login, user_ids, db):
    app.config["PUBLIC_URL"] = ""
    order_id, phone = restored_order(login, user_ids, db)
    response = link_for(phone, order_id)  # no forwarded headers: the request's own host
    assert response.json["url"].startswith("http://localhost/")
    response = phone.session.client.post("/api/signoff-links", json={"order_id": order_id}, headers={
        "X-CSRFToken": phone.session.token, "X-Forwarded-Host": "pilot.lan", "X-Forwarded-Proto": "https",
        "Referer": "https://pilot.lan/jobs/"})
    assert response.json["url"].startswith("https://pilot.lan/")


def test_the_phones_address_comes_from_x_forwarded_for_so_throttling_sees_each_phone(app, db):
    client = app.test_client()
    token = csrf_from(client.get("/login").text)
    client.post("/login", data={"username": "disp", "password": "wrong", "csrf_token": token},
                headers={"X-Forwarded-For": "198.51.100.7"})
    assert [row[0] for row in db.execute("SELECT ip FROM login_failures")] == ["198.51.100.7"]
    # The box itself may read the metrics; a phone coming through the proxy may not.
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 403


def test_with_no_proxy_configured_forwarded_headers_are_not_believed(tmp_path):
    (tmp_path / "direct").mkdir()
    app = _app(tmp_path / "direct")
    client = app.test_client()
    token = csrf_from(client.get("/login").text)
    client.post("/login", data={"username": "disp", "password": "wrong", "csrf_token": token},
                headers={"X-Forwarded-For": "198.51.100.7"})
    ips = [row[0] for row in connect(app.config["DATABASE"]).execute("SELECT ip FROM login_failures")]
    assert ips == ["127.0.0.1"]


def test_production_login_works_over_https_through_the_proxy_with_a_secure_cookie_and_hsts(tmp_path):
    (tmp_path / "production").mkdir()
    app = _app(tmp_path / "production", PROXY_COUNT=1, PUBLIC_URL=PUBLIC, ENV_NAME="production",
               SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    client = app.test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "ontrack.example.cn", "Referer": "https://ontrack.example.cn/login"}
    base = "https://ontrack.example.cn"
    page = client.get("/login", base_url=base, headers=https)
    assert page.status_code == 200 and page.headers["Strict-Transport-Security"].startswith("max-age=")
    response = client.post("/login", base_url=base, headers=https,
                           data={"username": "techa", "password": PASSWORD, "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303 and "Secure" in response.headers["Set-Cookie"]
    assert client.get("/jobs/", base_url=base, headers=https).status_code == 200
    # Plain HTTP to the same server (the port, not the proxy): sent to the public https address
    # instead of a login form whose Secure cookie would never come back.
    plain = client.get("/login?next=/jobs/", base_url="http://10.0.0.5:5000")
    assert plain.status_code == 308 and plain.headers["Location"] == PUBLIC + "/login?next=/jobs/"
    assert "Strict-Transport-Security" not in plain.headers
    assert client.get("/healthz", base_url="http://127.0.0.1:5000").status_code == 200  # probes stay on plain HTTP


def test_production_refuses_to_start_without_an_https_public_url(tmp_path):
    with pytest.raises(RuntimeError, match="ONTRACK_PUBLIC_URL"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": SECRET, "DATABASE": str(tmp_path / "p.sqlite3")})
    with pytest.raises(RuntimeError, match="ONTRACK_PUBLIC_URL"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": SECRET, "PUBLIC_URL": "http://ontrack.example.cn",
                    "DATABASE": str(tmp_path / "p.sqlite3")})
