"""Review r2 (fresh review of the day's changes): failing tests for what was found.

Each test states what was done, what happened and what should happen. They use the real app,
the real SQLite file and real HTTP servers; nothing of ours is mocked.
"""
import pytest

from tests.conftest import csrf_from


def _plain_errors(app):
    """Errors answered as production answers them (a 500 page), not raised into the test."""
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False


@pytest.mark.parametrize("body", [
    {"username": {"a": 1}, "password": "x"},
    {"username": 5, "password": 7},
    {"username": ["techa", "techb"], "password": "x"},
    {"username": "techa", "password": {"x": 1}},
])
def test_login_json_object_with_non_string_values_is_a_400_not_a_500(app, body):
    """Today's fix (a7047f7) makes a JSON body that is not an object a 400 on every form. An object
    whose values are not strings gets through it: Flask-WTF puts a dict / int / list into the field,
    and the login view calls .lower() on it (webapp/auth/users.py wait_seconds): 500.
    Should be: a 400 (or the form's own "wrong name or password" answer), never a 500."""
    _plain_errors(app)
    client = app.test_client()
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", json=body, headers={"X-CSRFToken": token})
    assert response.status_code < 500, (body, response.status_code, response.text[:300])


# ---- Web Push endpoints must be public addresses (a7047f7): a redirect gets around it ----

import datetime  # noqa: E402
import http.server  # noqa: E402
import ipaddress  # noqa: E402
import ssl  # noqa: E402
import threading  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402


def _self_signed(tmp_path, ip):
    """A certificate for `ip` (its own CA) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ip)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "push-cert.pem", tmp_path / "push-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class _Redirector(http.server.BaseHTTPRequestHandler):
    """A push service that answers every POST with 307 to server.location (the body and method are kept)."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(307)
        self.send_header("Location", self.server.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class _Internal(http.server.BaseHTTPRequestHandler):
    """A service of the server's own network (loopback): records whatever reaches it."""

    def do_POST(self):
        self.server.received.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args):
        pass


def _serve(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_push_endpoint_cannot_redirect_the_worker_into_the_servers_own_network(app, db, user_ids, tmp_path, monkeypatch):
    """An endpoint on an allowed address (127.0.0.2 stands for "a public push service the technician controls";
    allowed here by ONTRACK_PUSH_ALLOW_PRIVATE=127.0.0.2/32 since there is no internet) answers 307 to
    http://127.0.0.1:<port>/internal. The check of a7047f7 looks at the endpoint's own address only; pywebpush
    posts with requests, which follows redirects (307 keeps the POST and its body): the job worker calls loopback.
    Webhooks (webapp/webhooks/delivery.py) pin the address and send with allow_redirects=False; push should too.
    Should be: nothing reaches 127.0.0.1."""
    from webapp.auth.users import load_user
    from webapp.background import tasks
    from webapp.notify import push
    from webapp.orders import store
    from webapp.timeutil import utcnow, zone

    internal = _serve(http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Internal))
    internal.received = []
    cert_file, key_file = _self_signed(tmp_path, "127.0.0.2")
    outside = http.server.ThreadingHTTPServer(("127.0.0.2", 0), _Redirector)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    outside.socket = context.wrap_socket(outside.socket, server_side=True)
    outside.location = f"http://127.0.0.1:{internal.server_address[1]}/internal"
    _serve(outside)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_file))  # requests trusts the stand-in's certificate
    app.config["PUSH_ALLOW_PRIVATE"] = "127.0.0.2/32"
    try:
        key = ec.generate_private_key(ec.SECP256R1())
        public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        endpoint = f"https://127.0.0.2:{outside.server_address[1]}/push/abc"
        with app.app_context():
            push.subscribe(db, user_ids["techa"], {"endpoint": endpoint, "keys": {"p256dh": push.b64url(public),
                                                                                "auth": push.b64url(b"0123456789abcdef")}},
                           utcnow())
        shanghai = zone("Asia/Shanghai")
        from webapp.db import transaction
        with transaction(db):
            order_id = store.create_order(db, {"order_type": "repair", "access_type": "ftth", "symptom": "no_service",
                                               "customer_name": "王先生", "contact_phone": "13800000001", "district": "东城区"},
                                          user_ids["disp"], utcnow(), shanghai)
        store.assign(db, order_id, load_user(db, user_ids["disp"]), user_ids["techa"], utcnow(), shanghai)
        with app.app_context():
            tasks.push_notices()
        assert internal.received == [], f"the push run followed a redirect into loopback: {internal.received}"
    finally:
        for server in (outside, internal):
            server.shutdown()
            server.server_close()


# ---- Installations at the desk and through the API (today: e67ebb4, 11dd482, f05d02c) ----

def _installation_clocks(db, order_id):
    return {c["policy_code"]: c for c in db.query("SELECT * FROM order_clocks WHERE order_id = ? AND stopped_at IS NULL",
                                                   [order_id])}


def test_the_desk_can_make_an_installation_urgent(app, login, db):
    """A dispatcher creates a home installation with a due date, then corrects its priority to urgent.
    11dd482 gave installations.store.arm_due_clock a sixth, required argument (circuit); the desk's correction
    (orders/store.py edit_order) still calls it with five: TypeError, a 500 and nothing saved.
    Should be: 303, the order urgent, its due-date warning 3 days before the due time."""
    from tests.test_order_flow import ORDER
    _plain_errors(app)
    desk = login("disp")
    due = "2099-01-10"
    created = desk.post("/orders/new", {**ORDER, "order_type": "installation", "symptom": "new_install", "due_date": due})
    assert created.status_code == 303, created.text
    order_id = int(created.headers["Location"].rsplit("/", 1)[1])
    form = {**ORDER, "symptom": "new_install", "priority": "urgent"}
    form.pop("order_type"), form.pop("access_type")
    response = desk.post(f"/orders/{order_id}/edit", form)
    assert response.status_code == 303, (response.status_code, response.text[:300])
    clock = _installation_clocks(db, order_id)["installation_due"]
    from webapp.timeutil import from_text
    assert from_text(clock["due_at"]) - from_text(clock["warn_at"]) == datetime.timedelta(days=3)


def _api_installation(app, client_name="crm", **changes):
    from tests.test_api import ORDER, make_client
    token, _secret = make_client(app, name=client_name)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    body = {**ORDER, "external_id": "CRM-R2-1", "order_type": "installation", "symptom": "new_install",
            "due_date": "2099-01-10", **changes}
    response = client.post("/api/v1/orders", json=body)
    assert response.status_code == 201, response.text
    return client, response.json["id"]


def test_an_api_patch_to_urgent_moves_the_installations_warning_as_the_desk_does(app, db):
    """PATCH /api/v1/orders/{id} {"priority": "urgent"} on an installation: 200, but the due-date warning stays
    1 week before (webapp/api/intake.py update never re-arms the clock; the desk's edit_order does).
    docs/api.md: "three days when priority is urgent". Should be: warn_at = due_at - 3 days."""
    from webapp.timeutil import from_text
    client, order_id = _api_installation(app)
    assert client.patch(f"/api/v1/orders/{order_id}", json={"priority": "urgent"}).status_code == 200
    clock = _installation_clocks(db, order_id)["installation_due"]
    assert from_text(clock["due_at"]) - from_text(clock["warn_at"]) == datetime.timedelta(days=3)


def test_an_api_patch_of_the_access_type_moves_the_circuit_warning(app, db):
    """The circuit warning (电路预警, installation_progress) is for enterprise lines only (11dd482). The API lets a
    client PATCH access_type; the clocks are not touched: an enterprise installation made ftth keeps its circuit
    warning, an ftth one made enterprise never gets one. Should be: the clock follows the access type."""
    client, enterprise = _api_installation(app, access_type="enterprise", external_id="CRM-R2-E")
    assert "installation_progress" in _installation_clocks(db, enterprise)
    assert client.patch(f"/api/v1/orders/{enterprise}", json={"access_type": "ftth"}).status_code == 200
    client2, home = _api_installation(app, client_name="crm2", external_id="CRM-R2-H")
    assert client2.patch(f"/api/v1/orders/{home}", json={"access_type": "enterprise"}).status_code == 200
    assert ("installation_progress" in _installation_clocks(db, enterprise),
            "installation_progress" in _installation_clocks(db, home)) == (False, True)


# ---- Wi-Fi scan files (413a94a: errors in the reader's language) ----

import io  # noqa: E402
import re  # noqa: E402

IW_SCAN = b"BSS 02:00:00:00:00:01(on wlan0)\n\tfreq: 2412\n\tsignal: -40.00 dBm\n\tSSID: home\n"


def _analyze(session, data, lang="zh", **form):
    return session.client.post("/api/wifi/analyze", data={"scan": (io.BytesIO(data), "scan.txt"), **form},
                               headers={"X-CSRFToken": session.token, "Accept-Language": lang},
                               content_type="multipart/form-data")


def test_a_deeply_nested_json_scan_is_a_clear_422_not_a_500(app, login):
    """A 10 KB file of 5,000 nested brackets sent as a scan (the phone's Wi-Fi screen posts any file to
    /api/wifi/analyze): parsers.json_text calls json.loads, RecursionError, 500 ("系统出错"). The API's own
    JSON reader refuses nesting deeper than 32 (docs/api.md); the scan reader does not.
    Should be: 422 with a sentence in the reader's language that this is not a scan ONTrack reads."""
    _plain_errors(app)
    tech = login("techa")
    response = _analyze(tech, b"[" * 5000 + b"]" * 5000)
    assert response.status_code == 422, (response.status_code, response.get_json())


def test_an_unknown_country_is_said_in_the_readers_language(app, login):
    """A good scan with country=XX (the form field the desk's and laptop's screens send): 400
    "unknown country 'XX'; known: CN, EU, US" — English, to a reader whose language is Chinese (guidance.domain's
    ValueError, passed through as str(exc) by wifi/routes.py). Should be: the whole sentence in Chinese."""
    tech = login("techa")
    response = _analyze(tech, IW_SCAN, country="XX")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert not re.search(r"\b(unknown|country|known)\b", error), error
    assert re.search(r"[\u4e00-\u9fff]", error), error


def _every_form_field_name():
    """The names of every WTForms field the app declares (walked from the webapp package)."""
    import importlib
    import pkgutil

    import wtforms
    from wtforms.fields.core import UnboundField

    import webapp
    names = set()
    for info in pkgutil.walk_packages(webapp.__path__, "webapp."):
        try:
            module = importlib.import_module(info.name)
        except Exception:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, wtforms.Form):
                for klass in value.__mro__:
                    names.update(k for k, f in vars(klass).items() if isinstance(f, UnboundField))
    names.discard("csrf_token")
    return sorted(names)


@pytest.mark.parametrize("who, url", [
    ("techa", "/password"), ("techa", "/wifi/live"), ("disp", "/orders/new"), ("disp", "/orders/{order}/edit"),
    ("disp", "/orders/{order}/notes"), ("disp", "/group-faults/alarms"), ("disp", "/orders/{order}/extension"),
    ("disp", "/orders/{order}/participants"), ("boss", "/complaints/fault-classes"),
])
@pytest.mark.parametrize("junk", [5, True, {"a": 1}])
def test_a_form_sent_as_a_json_object_with_non_string_values_is_a_4xx(app, login, user_ids, who, url, junk):
    """a7047f7 answers a JSON body that is not an object with 400 on every form; an object whose values are
    numbers, booleans or objects (every form field name of the app → `junk`) still reaches the views: 500 on these
    forms (found by posting that body to every POST route outside /api/). Should be: 400/422, never 500."""
    from tests.test_offline_browser import dispatch_order
    _plain_errors(app)
    order_id, _ = dispatch_order(app, user_ids)
    session = login(who)
    body = {name: junk for name in _every_form_field_name()}
    response = session.client.post(url.format(order=order_id), json=body, headers={"X-CSRFToken": session.token})
    assert response.status_code < 500, (url, junk, response.status_code)
