"""Fixtures: a fresh SQLite file per test, a logged-in client per role, and real Chromium."""
import datetime
import os
import re
import shutil
import threading
import uuid
from zoneinfo import ZoneInfo

# The tests' webhook receivers listen on loopback, which webhooks refuse unless the operator allows it
# (webapp/webhooks/addresses.py): allowed for this one address, set before the config is read.
os.environ.setdefault("ONTRACK_WEBHOOK_ALLOW_PRIVATE", "127.0.0.1/32")

import pytest
from werkzeug.serving import make_server

# In-process apps have no job worker beside them: a job runs in the request's thread once the
# transaction that queued it has committed. Tests of the real stack start a worker (tests/stack.py).
os.environ.setdefault("ONTRACK_JOBS_IMMEDIATE", "1")

from webapp import create_app
from webapp.auth.users import create_user
from webapp.db import connect, insert, transaction

PASSWORD = "correct-horse-battery"
PEOPLE = [
    ("disp", "dispatcher", "调度员 甲", "", ""),
    ("boss", "supervisor", "主管 乙", "", ""),
    ("techa", "technician", "技术员 A", "东城区", "FTTH"),
    ("techb", "technician", "技术员 B", "西城区", "FTTH,enterprise"),
]


@pytest.fixture
def app(tmp_path):
    """An app on its own database file with four people and two districts."""
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "ontrack.sqlite3"), "BLOB_FOLDER": str(tmp_path / "blobs"),
                      "SECRET_KEY": "test-secret-key-test-secret-key-0123",
                      # the tests' webhook receivers listen on loopback; production allows only public addresses
                      "WEBHOOK_ALLOW_PRIVATE": "127.0.0.1/32"})
    db = connect(app.config["DATABASE"])
    with transaction(db):
        for name in ("东城区", "西城区"):
            insert(db, "districts", {"name": name})
    for username, role, display, district, skills in PEOPLE:
        create_user(db, username, PASSWORD, role, display, phone="13800000000", district=district, skills=skills)
    db.conn.close()
    return app


@pytest.fixture
def db(app):
    """A connection to the test database, for asserting what was stored."""
    conn = connect(app.config["DATABASE"])
    yield conn
    conn.conn.close()


def csrf_from(html):
    """Read the CSRF token every page carries in <meta name="csrf-token">."""
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "page has no csrf-token meta tag"
    return match.group(1)


class Session:
    """A test client logged in as one person, posting forms with the page's CSRF token."""

    def __init__(self, app, username):
        self.client = app.test_client()
        self.username = username
        page = self.client.get("/login")
        response = self.client.post("/login", data={"username": username, "password": PASSWORD,
                                                    "csrf_token": csrf_from(page.text)})
        assert response.status_code == 303, response.text
        self.token = csrf_from(self.client.get("/login").text)

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def login(app):
    """Return a function that logs a person in and gives back their Session."""
    return lambda username: Session(app, username)


@pytest.fixture
def user_ids(db):
    """Map usernames to ids."""
    return {row["username"]: row["id"] for row in db.query("SELECT id, username FROM users")}


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

    def push(self, mutations, client_id=None, headers=None):
        return self.session.client.post("/api/sync/push", json={"client_id": client_id or self.client_id, "mutations": mutations},
                                         headers={"X-CSRFToken": self.session.token, **(headers or {})})

    def pull(self, cursor="keep"):
        cursor = self.cursor if cursor == "keep" else cursor
        url = f"/api/sync/pull?client_id={self.client_id}" + (f"&cursor={cursor}" if cursor is not None else "")
        if getattr(self, "notices_tag", None):  # as the phone does: the notices come only when they changed
            url += f"&notices_tag={self.notices_tag}"
        response = self.session.get(url)
        assert response.status_code == 200, response.text
        body = response.json
        self.cursor = body["cursor"]
        self.notices_tag = body.get("notices_tag", getattr(self, "notices_tag", None))
        return body

    def act(self, order_id, to, fields=None, reason=None, headers=None):
        """Send one order.transition and return the server's result for it."""
        args = {"order_id": order_id, "to": to}
        if fields is not None:
            args["fields"] = fields
        if reason is not None:
            args["reason"] = reason
        response = self.push([self.mutation("order.transition", args)], headers=headers)
        assert response.status_code == 200, response.text
        return response.json["results"][0]

    def restore(self, order_id):
        """Take an order dispatched to this technician to "restored" as a visit does: accept, an appointment from an hour
        from now, on site, restored; each step must apply. What every closure-reply test starts from."""
        start = datetime.datetime.now(ZoneInfo("Asia/Shanghai")) + datetime.timedelta(hours=1)
        window = {"appointment_start": f"{start:%Y-%m-%dT%H:%M}",
                  "appointment_end": f"{start + datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}"}
        for to, fields in (("accepted", None), ("appointed", window), ("on_site", None), ("restored", None)):
            result = self.act(order_id, to, fields=fields)
            assert result["status"] == "applied", (to, result)

    def note(self, order_id, text):
        response = self.push([self.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": text})])
        return response.json["results"][0]


@pytest.fixture
def phone(login):
    """Return a function that logs a technician in and gives back their Phone (the sync protocol)."""
    return lambda username: Phone(login(username))



# ---- browser tests: Debian's chromium through Playwright, never a downloaded browser ----

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("Chromium is not installed: run `make test`, which installs Debian's chromium")
    return {**browser_type_launch_args, "executable_path": executable,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]}


@pytest.fixture
def live_server(app):
    """Serve the app over real HTTP on a free port, threaded like production."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (rep_setup, rep_call), so a fixture's teardown can tell
    that its test failed (the browser fixtures then print what the page showed)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
